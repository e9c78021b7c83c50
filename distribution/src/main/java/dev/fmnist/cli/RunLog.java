package dev.fmnist.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Copies every log line of a training run into the run folder while the run lasts. */
public final class RunLog implements AutoCloseable {

    private final FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender;
    private final Logger root;

    private RunLog(FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender, Logger root) {
        this.appender = appender;
        this.root = root;
    }

    public static RunLog attach(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new RunLog(null, null);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level %logger{30} - %msg%n");
        encoder.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("run " + file);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return new RunLog(appender, root);
    }

    @Override
    public void close() {
        if (appender != null) {
            root.detachAppender(appender);
            appender.stop();
        }
    }
}
