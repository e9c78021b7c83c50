package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fmnist.runtime.TestModels;
import dev.fmnist.server.grpc.protocol.GRPCInferenceServiceGrpc;
import dev.fmnist.server.grpc.protocol.ModelReadyRequest;
import dev.fmnist.server.grpc.protocol.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and gRPC over TLS from PEM files, with a certificate the test makes (Debian's openssl) for 127.0.0.1. */
@Tag("dataset")
class TlsServerTest {

    private static final String KEY = "tls-key";

    @TempDir
    static Path dir;

    static Path certificate;
    static Path privateKey;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = dir.resolve("cert.pem");
        privateKey = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", privateKey.toString(),
                "-out", certificate.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as(output).isTrue();
        assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    private static SSLContext trusting() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void servesHttpsAndGrpcOverTlsWithTheKey() throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withGrpcPort(0).withApiKey(KEY)
                .withTls(new ServerConfig.Tls(certificate, privateKey));
        try (PredictionServer server = PredictionServer.start(config, List.of(new ModelSource("m", TestModels.mlp())),
                "test")) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting()).connectTimeout(Duration.ofSeconds(5))
                    .build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> ready = https.send(HttpRequest.newBuilder(URI.create(base + "/v2/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            HttpResponse<String> model = https.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/m"))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(model.statusCode()).isEqualTo(200);

            // plain HTTP to the TLS port gets no answer
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/v2/health/ready")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);

            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort().orElseThrow())
                    .sslContext(GrpcSslContexts.forClient().trustManager(certificate.toFile()).build()).build();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
                var client = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                assertThat(client.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
                assertThat(client.modelReady(ModelReadyRequest.newBuilder().setName("m").build()).getReady()).isTrue();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
