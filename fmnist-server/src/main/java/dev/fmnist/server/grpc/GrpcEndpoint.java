package dev.fmnist.server.grpc;

import dev.fmnist.server.ModelRepository;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.inference.Inference;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The gRPC service listening on {@code server.grpc-port}, with its own threads for checking and answering calls. */
public final class GrpcEndpoint implements AutoCloseable {

    private final Server server;
    private final ExecutorService threads;
    private final ExecutorService answers;

    private GrpcEndpoint(Server server, ExecutorService threads, ExecutorService answers) {
        this.server = server;
        this.threads = threads;
        this.answers = answers;
    }

    /** Listens on {@code config.grpcPort()} (0: a free one) of {@code config.host()}. */
    public static GrpcEndpoint start(ServerConfig config, ModelRepository models, Inference inference,
            String platformVersion, MeterRegistry registry) {
        int count = Math.max(2, Runtime.getRuntime().availableProcessors());
        ExecutorService threads = callThreads(count, QUEUED_TASKS);
        // answers get threads of their own, so a full call queue never makes the model's thread (or the timeout
        // timer) write them; their queue needs no bound of its own: one task per call in flight, and calls in
        // flight are bounded by the call threads' queue and each model's batcher (server.queue-capacity)
        AtomicInteger made = new AtomicInteger();
        ExecutorService answers = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, "fmnist-grpc-answer-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(),
                config.grpcPort()));
        config.tls().ifPresent(tls -> builder.useTransportSecurity(tls.certificate().toFile(), tls.key().toFile()));
        // a client's connection takes at most 100 calls at once; a silent one is closed after 5 minutes, a dead
        // one found by keepalive pings; clients may ping every 30 s, not more
        Server server = builder
                .maxConcurrentCallsPerConnection(100)
                .maxConnectionIdle(5, TimeUnit.MINUTES)
                .keepAliveTime(1, TimeUnit.MINUTES)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .permitKeepAliveTime(30, TimeUnit.SECONDS)
                .executor(threads)
                .maxInboundMessageSize((int) Math.min(config.maxBodyBytes(), Integer.MAX_VALUE))
                .addService(ServerInterceptors.intercept(
                        new GrpcInferenceService(models, inference, platformVersion, answers),
                        new RouteKeys(), new ApiKeyInterceptor(config.apiKey()), new CallMetrics(registry),
                        new TracingInterceptor(inference.tracing())))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            threads.shutdownNow();
            answers.shutdownNow();
            throw new UncheckedIOException("cannot listen for gRPC on " + config.host() + ":" + config.grpcPort()
                    + ": " + e.getMessage(), e);
        }
        return new GrpcEndpoint(server, threads, answers);
    }

    /** Tasks (a call's start, messages, completions) waiting for a thread before callers run their own. */
    static final int QUEUED_TASKS = 10_000;

    /**
     * The threads that check and answer calls, with a bounded queue: when it is full the thread handing over a
     * task (Netty's, reading a connection) runs it itself, so it reads no more from its clients until it is done
     * and TCP pushes back on them, where an unbounded queue would hold every task a flood of clients sends.
     * The tasks only check, hand over to the batcher and write answers: none blocks.
     */
    static ThreadPoolExecutor callThreads(int count, int queued) {
        AtomicInteger made = new AtomicInteger();
        return new ThreadPoolExecutor(count, count, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queued),
                task -> {
                    Thread thread = new Thread(task, "fmnist-grpc-" + made.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    public int port() {
        return server.getPort();
    }

    /** Stops taking calls and lets those in flight finish, up to 10 s. */
    @Override
    public void close() {
        server.shutdown();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.shutdownNow();
            threads.shutdownNow();
            answers.shutdownNow();
        }
    }
}
