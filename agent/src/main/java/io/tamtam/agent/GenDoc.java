package io.tamtam.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code tamtam gendoc}: writes a markdown page and a man page for every command. */
@Command(name = "gendoc", mixinStandardHelpOptions = true, description = "Generates markdown and man pages for every tamtam command.")
final class GenDoc implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", description = "where to write the pages (default: docs)")
    Path dir = Path.of("docs");

    @Option(names = "--format", description = "markdown, man or both (default: both)")
    String format = "both";

    @Override
    public Integer call() throws IOException {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("markdown") && !f.equals("man") && !f.equals("both")) {
            throw new IllegalArgumentException("--format '" + format + "' is not markdown, man or both");
        }
        Files.createDirectories(dir);
        List<CommandLine> all = new ArrayList<>();
        collect(spec.root().commandLine(), all);
        int files = 0;
        for (CommandLine cl : all) {
            String base = cl.getCommandSpec().qualifiedName("_").replace(' ', '_');
            if (!f.equals("man")) {
                Files.writeString(dir.resolve(base + ".md"), markdown(cl), StandardCharsets.UTF_8);
                files++;
            }
            if (!f.equals("markdown")) {
                Files.writeString(dir.resolve(cl.getCommandSpec().qualifiedName("-") + ".1"), man(cl), StandardCharsets.UTF_8);
                files++;
            }
        }
        spec.commandLine().getOut().println("wrote " + files + " pages for " + all.size() + " commands to " + dir);
        return 0;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    static String markdown(CommandLine cl) {
        CommandSpec s = cl.getCommandSpec();
        StringBuilder md = new StringBuilder();
        md.append("## ").append(s.qualifiedName(" ")).append("\n\n");
        md.append(String.join(" ", s.usageMessage().description())).append("\n\n");
        md.append("```\n").append(cl.getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
        if (!cl.getSubcommands().isEmpty()) {
            md.append("\n### Commands\n\n");
            cl.getSubcommands().forEach((name, sub) -> md.append("* [").append(sub.getCommandSpec().qualifiedName(" ")).append("](")
                    .append(sub.getCommandSpec().qualifiedName("_")).append(".md) - ")
                    .append(String.join(" ", sub.getCommandSpec().usageMessage().description())).append('\n'));
        }
        return md.toString();
    }

    static String man(CommandLine cl) {
        CommandSpec s = cl.getCommandSpec();
        StringBuilder m = new StringBuilder();
        m.append(".TH \"").append(s.qualifiedName("-").toUpperCase(Locale.ROOT)).append("\" 1 \"\" \"tamtam ").append(Main.version())
                .append("\" \"TamTam Manual\"\n");
        m.append(".SH NAME\n").append(roff(s.qualifiedName("-"))).append(" \\- ").append(roff(String.join(" ", s.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.B ").append(roff(s.qualifiedName(" "))).append('\n');
        for (OptionSpec o : s.options()) {
            m.append("[").append(roff(o.longestName())).append(o.arity().max() > 0 ? " " + roff(o.paramLabel()) : "").append("]\n");
        }
        for (PositionalParamSpec p : s.positionalParameters()) {
            m.append(roff(p.paramLabel())).append('\n');
        }
        m.append(".SH DESCRIPTION\n").append(roff(String.join(" ", s.usageMessage().description()))).append('\n');
        if (!s.options().isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : s.options()) {
                m.append(".TP\n.B ").append(roff(String.join(", ", o.names()))).append(o.arity().max() > 0 ? " \\fI" + roff(o.paramLabel()) + "\\fR" : "")
                        .append('\n').append(roff(String.join(" ", o.description()))).append('\n');
            }
        }
        if (!cl.getSubcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            cl.getSubcommands().forEach((name, sub) -> m.append(".TP\n.B ").append(roff(name)).append('\n')
                    .append(roff(String.join(" ", sub.getCommandSpec().usageMessage().description()))).append('\n'));
        }
        return m.toString();
    }

    private static String roff(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
