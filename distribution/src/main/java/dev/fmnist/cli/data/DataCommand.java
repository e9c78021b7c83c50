package dev.fmnist.cli.data;

import picocli.CommandLine.Command;

@Command(name = "data", description = "Inspect the Fashion-MNIST dataset.",
        subcommands = {DataInfoCommand.class, DataPreviewCommand.class, DataExportCommand.class}, mixinStandardHelpOptions = true)
public final class DataCommand {}
