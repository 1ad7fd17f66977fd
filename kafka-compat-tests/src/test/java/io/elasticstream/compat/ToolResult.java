package io.elasticstream.compat;

import java.util.List;

/** The outcome of running a command-line tool: exit code and what it printed. */
public record ToolResult(String command, int exitCode, String stdout, String stderr) {
    public List<String> stdoutLines() {
        return stdout.lines().toList();
    }

    /** A description for assertion messages. */
    public String describe() {
        return command + "\n  exit code: " + exitCode + "\n  stdout:\n" + indent(stdout) + "\n  stderr:\n"
                + indent(stderr);
    }

    private static String indent(String text) {
        String tail = text.length() > 8_000 ? "..." + text.substring(text.length() - 8_000) : text;
        return tail.lines().map(line -> "    " + line).reduce((a, b) -> a + "\n" + b).orElse("    (empty)");
    }
}
