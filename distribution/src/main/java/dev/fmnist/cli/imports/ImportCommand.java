package dev.fmnist.cli.imports;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Bring a model trained elsewhere in as a run folder, which evaluate, compare, predict, serve, "
                + "index, finetune and the Spark job take as any run.",
        subcommands = {KerasImportCommand.class, CommandLine.HelpCommand.class})
public final class ImportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
