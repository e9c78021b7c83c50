package dev.fmnist.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} HTTP connections open at once: one more is closed as soon as it is accepted, so clients
 * that open sockets and hold them (idle until the idle timeout, or trickling bytes) cannot take every file
 * descriptor and leave nothing for the others.
 */
public final class ConnectionCap implements Handler<HttpConnection> {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - 20_000_000_000L);

    public ConnectionCap(int max) {
        this.max = max;
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            long now = System.nanoTime();
            long last = lastWarning.get();
            // once in 10 s at most: a flood of refusals must not become a flood of log lines
            if (now - last > 10_000_000_000L && lastWarning.compareAndSet(last, now)) {
                log.warn("Refusing connections (the last from {}): {} are open, server.max-connections",
                        connection.remoteAddress(), max);
            }
            connection.close();
            return;
        }
        connection.closeHandler(closed -> open.decrementAndGet());
    }

    /** The connections open now. */
    public int open() {
        return open.get();
    }
}
