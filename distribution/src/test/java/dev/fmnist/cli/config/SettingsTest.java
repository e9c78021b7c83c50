package dev.fmnist.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.data.DataConfig;
import dev.fmnist.image.encode.Normalization;
import dev.fmnist.training.TrainingConfig;
import dev.fmnist.training.callbacks.Monitor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    private static Settings read(ConfigSources sources) {
        return Settings.read(PlatformConfig.load(sources));
    }

    @Test
    void defaults() {
        DataConfig data = read(ConfigSources.ofFlags(Map.of())).data();
        assertThat(data.seed()).isEqualTo(42);
        assertThat(data.dataDir()).isEmpty();
        assertThat(data.systemDir()).isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
        assertThat(data.cacheDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "fmnist"));
        assertThat(data.download()).isTrue();
        assertThat(data.baseUrl()).isEqualTo(DataConfig.OFFICIAL_BASE_URL);
        assertThat(data.validationFraction()).isEqualTo(0.1);
        assertThat(data.normalization()).isEqualTo(Normalization.Kind.SCALE);
    }

    @Test
    void aRunKeepsItsMostAccurateEpochByDefault() {
        TrainingConfig training = read(ConfigSources.ofFlags(Map.of())).training();
        assertThat(training.epochs()).isEqualTo(20);
        assertThat(training.patience()).isEqualTo(4);
        assertThat(training.monitor()).isEqualTo("val_accuracy");
        // the cnn's 2026-12-06 headline run: its validation loss was lowest at epoch 12, its accuracy rose to epoch 16
        List<EpochMetrics> history = List.of(epoch(12, 0.2154, 0.9245), epoch(16, 0.2170, 0.9267));
        assertThat(new Monitor(training.monitor(), training.minDelta()).best(history))
                .map(EpochMetrics::epoch).contains(16);
    }

    private static EpochMetrics epoch(int epoch, double validationLoss, double validationAccuracy) {
        return new EpochMetrics(epoch, 0.1, 0.96, validationLoss, validationAccuracy, 1e-4, 20_000, 2_000);
    }

    @Test
    void fullMappingFromAPropertiesFile() throws IOException {
        Path file = Files.writeString(dir.resolve("fmnist.properties"), """
                seed = 7
                data.dir = /data/fm
                data.system-dir = /opt/fm
                data.cache-dir = /tmp/fm-cache
                data.download = false
                data.base-url = https://mirror.example/fm
                data.validation-fraction = 0.2
                data.normalization = standardize
                """);
        Settings settings = read(new ConfigSources(Map.of(), new Properties(), Map.of(), Optional.of(file), Optional.empty()));
        DataConfig data = settings.data();
        assertThat(data.seed()).isEqualTo(7);
        assertThat(data.dataDir()).contains(Path.of("/data/fm"));
        assertThat(data.dataDirSource()).isEqualTo("file " + file);
        assertThat(data.systemDir()).isEqualTo(Path.of("/opt/fm"));
        assertThat(data.cacheDir()).isEqualTo(Path.of("/tmp/fm-cache"));
        assertThat(data.download()).isFalse();
        assertThat(data.baseUrl()).as("a trailing slash is added so file names resolve under it")
                .isEqualTo(URI.create("https://mirror.example/fm/"));
        assertThat(data.validationFraction()).isEqualTo(0.2);
        assertThat(data.normalization()).isEqualTo(Normalization.Kind.STANDARDIZE);
    }

    @Test
    void yamlFilesNestKeys() throws IOException {
        Path file = Files.writeString(dir.resolve("fmnist.yaml"), """
                seed: 11
                data:
                  validation-fraction: 0.25
                  normalization: standardize
                """);
        DataConfig data = read(new ConfigSources(Map.of(), new Properties(), Map.of(), Optional.of(file),
                Optional.empty())).data();
        assertThat(data.seed()).isEqualTo(11);
        assertThat(data.validationFraction()).isEqualTo(0.25);
        assertThat(data.normalization()).isEqualTo(Normalization.Kind.STANDARDIZE);
    }

    @Test
    void precedenceFlagsThenSystemThenEnvironmentThenUserFileThenInstallationThenDefault() throws IOException {
        Path user = Files.writeString(dir.resolve("user.properties"), "seed = 4\n");
        Path installation = Files.writeString(dir.resolve("installation.properties"), "seed = 5\n");
        Properties system = new Properties();
        system.setProperty("fmnist.seed", "2");
        Map<String, String> env = new HashMap<>(Map.of("FMNIST_SEED", "3"));
        Map<String, String> flags = new HashMap<>(Map.of("seed", "1"));

        assertThat(seedAndSource(flags, system, env, user, installation)).isEqualTo("1 command line");
        flags.clear();
        assertThat(seedAndSource(flags, system, env, user, installation)).isEqualTo("2 system property fmnist.seed");
        system.clear();
        assertThat(seedAndSource(flags, system, env, user, installation)).isEqualTo("3 env FMNIST_SEED");
        env.clear();
        assertThat(seedAndSource(flags, system, env, user, installation)).isEqualTo("4 file " + user);
        assertThat(seedAndSource(flags, system, env, null, installation)).isEqualTo("5 file " + installation);
        assertThat(seedAndSource(flags, system, env, null, null)).isEqualTo("42 default");
    }

    private static String seedAndSource(Map<String, String> flags, Properties system, Map<String, String> env,
            Path user, Path installation) {
        Settings settings = read(new ConfigSources(flags, system, env, Optional.ofNullable(user),
                Optional.ofNullable(installation)));
        return settings.data().seed() + " " + settings.config().source(ConfigKeys.SEED);
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        DataConfig data = read(new ConfigSources(Map.of(), new Properties(),
                Map.of("FMNIST_DATA_DIR", "/env/fm", "FMNIST_DATA_VALIDATION_FRACTION", "0.3"), Optional.empty(),
                Optional.empty())).data();
        assertThat(data.dataDir()).contains(Path.of("/env/fm"));
        assertThat(data.dataDirSource()).isEqualTo("env FMNIST_DATA_DIR");
        assertThat(data.validationFraction()).isEqualTo(0.3);
    }

    @Test
    void everyBadValueIsReportedAtOnceWithKeyValueSourceAndExpectation() {
        Map<String, String> flags = Map.of(
                "seed", "seven",
                "data.validation-fraction", "1.5",
                "data.download", "maybe",
                "data.normalization", "zscore",
                "data.base-url", "ftp://example.org/fm",
                "data.dri", "/x");
        assertThatThrownBy(() -> read(new ConfigSources(flags, new Properties(), Map.of("FMNIST_DATA_DOWNLOAD", "x"),
                Optional.empty(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "unknown key 'data.dri' on the command line; did you mean 'data.dir'?",
                        "seed = 'seven' (from command line): expected a whole number",
                        "data.download = 'maybe' (from command line): expected true or false",
                        "data.base-url = 'ftp://example.org/fm' (from command line): expected an http:// or https:// URL",
                        "data.validation-fraction = '1.5' (from command line): expected a number greater than 0.0 and less than 1.0",
                        "data.normalization = 'zscore' (from command line): expected one of scale, standardize"));
    }

    @Test
    void trainingThreadsAreAutoByDefaultANumberOrWorkersPerModelAndAnythingElseIsRefused() {
        assertThat(read(ConfigSources.ofFlags(Map.of())).training().threads().forModel("cnn"))
                .isEqualTo(dev.fmnist.training.TrainingThreads.auto());
        assertThat(read(ConfigSources.ofFlags(Map.of("train.threads", "2"))).training().threads().forModel("cnn"))
                .isEqualTo(dev.fmnist.training.TrainingThreads.fixed(2));
        assertThat(read(ConfigSources.ofFlags(Map.of("train.threads", "2x1"))).training().threads().forModel("cnn"))
                .isEqualTo(dev.fmnist.training.TrainingThreads.fixed(new dev.fmnist.training.Parallelism(2, 1)));
        var perModel = read(ConfigSources.ofFlags(Map.of("train.threads", "cnn:1, resnet:2x1"))).training().threads();
        assertThat(perModel.forModel("cnn")).isEqualTo(dev.fmnist.training.TrainingThreads.fixed(1));
        assertThat(perModel.forModel("resnet"))
                .isEqualTo(dev.fmnist.training.TrainingThreads.fixed(new dev.fmnist.training.Parallelism(2, 1)));
        assertThat(perModel.forModel("vgg")).isEqualTo(dev.fmnist.training.TrainingThreads.auto());
        assertThatThrownBy(() -> read(ConfigSources.ofFlags(Map.of("train.threads", "cnn:1, cnn:2"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly("train.threads "
                        + "(from command line): 'cnn:1, cnn:2' names cnn twice"));
        for (String bad : List.of("0", "2x0", "two")) {
            assertThatThrownBy(() -> read(ConfigSources.ofFlags(Map.of("train.threads", bad))))
                    .isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly("train.threads "
                            + "(from command line): '" + bad + "' is neither auto, a number of threads (1 or more), "
                            + "nor WxT (W data-parallel workers of T threads, e.g. 2x1)"));
        }
    }

    @Test
    void thePayloadLogIsOffUntilAFolderIsSetAndItsSettingsAreChecked() {
        assertThat(read(ConfigSources.ofFlags(Map.of())).server().payloadLog().enabled()).isFalse();
        var payloads = read(ConfigSources.ofFlags(Map.of("server.payload-log.folder", "/var/log/fmnist",
                "server.payload-log.sample", "1", "server.payload-log.max-file-mb", "2",
                "server.payload-log.max-files", "4", "server.payload-log.inputs", "true"))).server().payloadLog();
        assertThat(payloads).isEqualTo(new dev.fmnist.server.payload.PayloadLogSettings(
                Optional.of(Path.of("/var/log/fmnist")), 1.0, 2L << 20, 4, true));
        assertThat(read(ConfigSources.ofFlags(Map.of("server.payload-log.folder", "/l"))).server().payloadLog()
                .sample()).isEqualTo(0.01);
        assertThatThrownBy(() -> read(ConfigSources.ofFlags(Map.of("server.payload-log.sample", "1.5",
                "server.payload-log.max-files", "0"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "server.payload-log.sample = '1.5' (from command line): expected a number from 0 to 1",
                        "server.payload-log.max-files = '0' (from command line): expected a whole number from 1 to "
                                + "10000"));
    }

    @Test
    void tracingIsOffUntilAnOtlpEndpointIsSet() {
        assertThat(read(ConfigSources.ofFlags(Map.of())).server().otlpEndpoint()).isEmpty();
        assertThat(read(ConfigSources.ofFlags(Map.of("server.tracing.otlp-endpoint", "http://collector:4318")))
                .server().otlpEndpoint()).contains(java.net.URI.create("http://collector:4318/"));
        assertThatThrownBy(() -> read(ConfigSources.ofFlags(Map.of("server.tracing.otlp-endpoint", "collector"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "server.tracing.otlp-endpoint = 'collector' (from command line): expected an http:// or "
                                + "https:// URL"));
    }

    @Test
    void anOmpNumThreadsSetBeforeTheLauncherFixesAutoButNotAGivenNumber() {
        System.setProperty("fmnist.threads.pinned", "true");
        try {
            assertThat(read(ConfigSources.ofFlags(Map.of())).training().threads().forModel("cnn"))
                    .isEqualTo(dev.fmnist.training.TrainingThreads.inherit());
            assertThat(read(ConfigSources.ofFlags(Map.of("train.threads", "2"))).training().threads().forModel("cnn"))
                    .isEqualTo(dev.fmnist.training.TrainingThreads.fixed(2));
            var perModel = read(ConfigSources.ofFlags(Map.of("train.threads", "cnn:1, auto"))).training().threads();
            assertThat(perModel.forModel("cnn")).isEqualTo(dev.fmnist.training.TrainingThreads.fixed(1));
            assertThat(perModel.forModel("resnet")).isEqualTo(dev.fmnist.training.TrainingThreads.inherit());
        } finally {
            System.clearProperty("fmnist.threads.pinned");
        }
    }

    @Test
    void tlsNeedsBothReadableFiles() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----");
        assertThatThrownBy(() -> read(new ConfigSources(Map.of("server.tls.cert", cert.toString()), new Properties(),
                Map.of(), Optional.empty(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly("server.tls.cert (from "
                        + "command line): needs server.tls.key too: set both for TLS, or neither"));
        Path missing = dir.resolve("nokey.pem");
        assertThatThrownBy(() -> read(new ConfigSources(Map.of("server.tls.cert", cert.toString(), "server.tls.key",
                missing.toString()), new Properties(), Map.of(), Optional.empty(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly("server.tls.key (from "
                        + "command line): no readable file at " + missing));
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
        assertThatThrownBy(() -> read(new ConfigSources(Map.of("server.tls.cert", cert.toString(), "server.tls.key",
                rsa.toString()), new Properties(), Map.of(), Optional.empty(), Optional.empty())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems().get(0)).contains("is not a PKCS#8 key"));
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----");
        var tls = read(new ConfigSources(Map.of("server.tls.cert", cert.toString(), "server.tls.key", key.toString()),
                new Properties(), Map.of(), Optional.empty(), Optional.empty())).server().tls().orElseThrow();
        assertThat(tls.certificate()).isEqualTo(cert);
        assertThat(tls.key()).isEqualTo(key);
    }

    @Test
    void missingOrUnreadableUserFile() throws IOException {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> read(new ConfigSources(Map.of(), new Properties(), Map.of(), Optional.of(missing),
                Optional.empty())))
                .hasMessage("configuration error: config file " + missing + " does not exist");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), "seed: [1, 2\n  data: {");
        assertThatThrownBy(() -> read(new ConfigSources(Map.of(), new Properties(), Map.of(), Optional.of(broken),
                Optional.empty())))
                .hasMessageStartingWith("configuration error: config file " + broken + " cannot be read: ");
    }

    @Test
    void describeShowsValuesAndSources() {
        PlatformConfig config = PlatformConfig.load(ConfigSources.ofFlags(Map.of("seed", "9")));
        assertThat(config.describe())
                .containsEntry("seed", "9  [command line]")
                .containsEntry("data.dir", "(unset)  [unset]")
                .containsEntry("data.normalization", "scale  [default]");
    }
}
