package dev.fmnist.cli.bench;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the platform's throughput on this machine (figures for docs/BENCHMARKS.md).",
        subcommands = {DataBenchCommand.class, TrainBenchCommand.class, ThreadsBenchCommand.class,
                InferBenchCommand.class, ServeBenchCommand.class, PhotosBenchCommand.class, SimilarBenchCommand.class})
public final class BenchCommand {}
