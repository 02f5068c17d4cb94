package dev.secondsite.hyperv.sim.lang;

import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/** The syntax tree of a parsed script: immutable, shared by every run of the same script text. */
final class Ast {
    private Ast() {
    }

    /** The text a tree came from, for error positions. */
    record Source(String text) {
        int line(int offset) {
            int line = 1;
            for (int i = 0; i < offset && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        int column(int offset) {
            int lineStart = text.lastIndexOf('\n', Math.max(0, Math.min(offset, text.length()) - 1)) + 1;
            return offset - lineStart + 1;
        }

        String lineText(int offset) {
            int lineStart = text.lastIndexOf('\n', Math.max(0, Math.min(offset, text.length()) - 1)) + 1;
            int lineEnd = text.indexOf('\n', lineStart);
            String line = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }

        @Override
        public String toString() {
            return "Source(" + text.length() + " chars)";
        }
    }

    interface Stmt {
        int pos();
    }

    interface Expr {
    }

    /** Elements of a pipeline: the first may be an expression, the others are commands. */
    interface Element {
    }

    interface Arg {
    }

    record Pipeline(int pos, List<Element> elements) implements Stmt {
        /** The pipeline is one expression (its value is kept whole when assigned). */
        @Nullable Expr soleExpression() {
            return elements.size() == 1 && elements.get(0) instanceof ExprElement e ? e.expr() : null;
        }
    }

    record Assign(int pos, Expr target, Pipeline value) implements Stmt {
    }

    record If(int pos, List<Pipeline> conditions, List<Block> bodies, @Nullable Block elseBody) implements Stmt {
    }

    record Foreach(int pos, String variable, Pipeline collection, Block body) implements Stmt {
    }

    record Try(int pos, Block body, Block catchBody) implements Stmt {
    }

    record Throw(int pos, int end, @Nullable Pipeline value) implements Stmt {
    }

    record Return(int pos, @Nullable Pipeline value) implements Stmt {
    }

    record Exit(int pos, @Nullable Pipeline code) implements Stmt {
    }

    record Block(List<Stmt> statements) {
    }

    record ExprElement(Expr expr) implements Element {
    }

    /**
     * A command: by name ({@code Get-VM}) or, with {@code &}, by the value of an expression.
     *
     * @param start offset of the command's first character; end offset after its last, for error positions
     */
    record Command(int start, int end, @Nullable String name, @Nullable Expr invoked, List<Arg> args,
                   Source source) implements Element {
    }

    /** {@code -Name}, {@code -Name:value} (colon true, value set). */
    record ParamArg(String name, boolean colon, @Nullable Expr value, int pos) implements Arg {
    }

    record ValueArg(Expr value) implements Arg {
    }

    record SplatArg(String variable, int pos) implements Arg {
    }

    record Const(@Nullable Object value) implements Expr {
    }

    /** A double-quoted string: Strings and expressions to expand. */
    record Expandable(List<Object> parts) implements Expr {
    }

    /** A variable, its name lower-cased ({@code $PSItem} is {@code $_}). */
    record Var(String name) implements Expr {
        Var {
            name = name.toLowerCase(Locale.ROOT);
            if (name.equals("psitem")) {
                name = "_";
            }
        }
    }

    record ArrayLiteral(List<Expr> items) implements Expr {
    }

    /** {@code $( ... )}. */
    record SubExpression(List<Stmt> statements) implements Expr {
    }

    /** {@code @( ... )}. */
    record ArraySubExpression(List<Stmt> statements) implements Expr {
    }

    /** {@code ( pipeline )}. */
    record Paren(Stmt statement) implements Expr {
    }

    record HashLiteral(List<Expr> keys, List<Pipeline> values, boolean ordered) implements Expr {
    }

    /** {@code [type] operand}; type lower-cased. */
    record Cast(String type, Expr operand, int pos) implements Expr {
    }

    record Member(Expr target, String name, int pos) implements Expr {
    }

    record MethodCall(Expr target, String name, List<Expr> args, int pos) implements Expr {
    }

    /** {@code [Console]::In}. */
    record ConsoleIn() implements Expr {
    }

    record Index(Expr target, Expr index, int pos) implements Expr {
    }

    /** {@code -not}, {@code !}, unary {@code -}. */
    record Unary(String op, Expr operand, int pos) implements Expr {
    }

    record Binary(String op, Expr left, Expr right, int pos) implements Expr {
    }

    record ScriptBlockLiteral(ScriptBlockBody body) implements Expr {
    }

    /**
     * A script block's code: its parameters, statements and source text (its string form).
     *
     * @param text the source between the braces
     */
    record ScriptBlockBody(List<Param> params, List<Stmt> statements, String text, Source source) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A parameter of a script block; type lower-cased or null. */
    record Param(String name, String lowerName, @Nullable String type, @Nullable Expr defaultValue) {
    }
}
