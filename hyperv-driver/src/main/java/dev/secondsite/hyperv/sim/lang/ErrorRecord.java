package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;
import javax.annotation.Nullable;

/**
 * PowerShell's ErrorRecord as scripts see it ({@code $_} in a catch block): message, category, fully qualified
 * error id, and where it happened for the text written to standard error.
 *
 * @param exceptionType the .NET exception's short name shown on standard error (e.g. {@code RuntimeException})
 * @param commandName the command that failed, or null for a script error ({@code throw})
 * @param source the script text, or null when the position is unknown
 */
record ErrorRecord(String message, ErrorCategory category, String errorId, String exceptionType,
                   @Nullable String commandName, @Nullable Ast.Source source, int start, int end) {

    ErrorRecord at(@Nullable String command, @Nullable Ast.Source src, int from, int to) {
        return new ErrorRecord(message, category, errorId, exceptionType, command, src, from, to);
    }

    /** The record as powershell.exe writes an unhandled error to standard error. */
    String format() {
        StringBuilder sb = new StringBuilder();
        if (commandName != null) {
            sb.append(commandName).append(" : ");
        }
        sb.append(message).append("\r\n");
        if (source != null) {
            int line = source.line(start);
            int column = source.column(start);
            String text = source.lineText(start);
            sb.append("At line:").append(line).append(" char:").append(column).append("\r\n");
            sb.append("+ ").append(text).append("\r\n");
            int width = Math.max(1, Math.min(end - start, text.length() - column + 1));
            sb.append("+ ").append(" ".repeat(Math.max(0, column - 1))).append("~".repeat(width)).append("\r\n");
        }
        sb.append("    + CategoryInfo          : ").append(category).append(": (:) [")
                .append(commandName == null ? "" : commandName).append("], ").append(exceptionType).append("\r\n");
        sb.append("    + FullyQualifiedErrorId : ").append(errorId).append("\r\n");
        sb.append(" \r\n");
        return sb.toString();
    }
}
