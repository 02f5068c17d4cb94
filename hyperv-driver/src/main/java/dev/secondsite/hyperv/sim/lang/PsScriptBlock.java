package dev.secondsite.hyperv.sim.lang;

/**
 * A script block value ({@code { param(...) ... }}): the code only; PowerShell script blocks are not closures,
 * they run in a scope made where they are invoked. Its string form is its source text.
 */
record PsScriptBlock(Ast.ScriptBlockBody body) {
    @Override
    public String toString() {
        return body.text();
    }
}
