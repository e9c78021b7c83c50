package dev.fmnist.cli.search;

import dev.fmnist.cli.UserError;
import dev.fmnist.runtime.search.CatalogIndex;
import picocli.CommandLine.Option;

/** The settings of an HNSW graph, for the commands that build one. */
public final class HnswOptions {

    @Option(names = "--m", defaultValue = "16", description = "HNSW links per node (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--ef-construction", defaultValue = "200",
            description = "HNSW candidates while building (default: ${DEFAULT-VALUE}).")
    int efConstruction;

    @Option(names = "--ef", defaultValue = "50",
            description = "HNSW candidates while searching (default: ${DEFAULT-VALUE}).")
    int ef;

    /** @throws UserError for a value the graph cannot be built with */
    public CatalogIndex.Hnsw settings() {
        if (m < 2 || efConstruction < 1 || ef < 1) {
            throw new UserError("--m must be at least 2, --ef-construction and --ef at least 1");
        }
        return new CatalogIndex.Hnsw(m, efConstruction, ef);
    }
}
