package dev.fmnist.server.http;

import dev.fmnist.image.ImagePreprocessor;
import dev.fmnist.runtime.predict.EncodedBatch;
import dev.fmnist.runtime.predict.Predictor;
import dev.fmnist.server.ServerConfig;
import dev.fmnist.server.inference.ServingError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The images of an image request (the raw bytes of one, or multipart files), decoded, converted and encoded for
 * the model on a pool of their own: as many at once as there are cores and as fit the decoding memory (a quarter
 * of the heap), so a flood of images can take neither the heap nor the workers that parse JSON.
 */
final class PostedImages {

    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/jpg", "image/gif",
            "image/bmp", "image/x-ms-bmp", "image/webp", "application/octet-stream");

    /**
     * The images of one request: their names (file names, or "image"), the model's input, and the converted images
     * (8-bit grey, the model's shape) it was encoded from.
     */
    record Images(List<String> names, EncodedBatch batch, List<byte[]> pixels) {}

    private final WorkerExecutor decoding;
    private final ServerConfig config;

    PostedImages(Vertx vertx, ServerConfig config) {
        this.decoding = vertx.createSharedWorkerExecutor("fmnist-image-decoding",
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.config = config;
    }

    /**
     * The request's images for {@code predictor}: UNSUPPORTED_MEDIA_TYPE for a body that is not an image type,
     * INVALID_INPUT for more images than one forward pass takes. One deadline covers decoding and the model: a
     * reader still at work past it is aborted between rows.
     */
    Future<Images> read(RoutingContext ctx, Predictor predictor, int maxImages, long deadline) {
        List<FileUpload> uploads = ctx.fileUploads();
        String type = HttpRequests.contentType(ctx);
        if (uploads.isEmpty() && !IMAGE_TYPES.contains(type)) {
            throw ServingError.unsupportedMediaType("send an image (image/png, image/jpeg, image/gif, image/bmp or "
                    + "image/webp) or multipart/form-data with image files, not '" + type + "'");
        }
        if (uploads.size() > maxImages) {
            throw ServingError.invalid(uploads.size() + " images; at most " + maxImages + " per request");
        }
        Buffer body = ctx.body().buffer();
        return decoding.executeBlocking(() -> decode(uploads, body, predictor, deadline), false)
                .timeout(config.timeoutMillis(), TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(failure instanceof TimeoutException
                        ? ServingError.unavailable("the images were not decoded within " + config.timeoutMillis()
                                + " ms; try again shortly", 1)
                        : failure));
    }

    private Images decode(List<FileUpload> uploads, Buffer body, Predictor predictor, long deadline)
            throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(config.maxImagePixels());
        List<String> names = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        if (uploads.isEmpty()) {
            if (body == null || body.length() == 0) {
                throw ServingError.invalid("the request has no image");
            }
            names.add("image");
            files.add(body.getBytes());
        } else {
            for (FileUpload upload : uploads) {
                names.add(upload.fileName());
                files.add(Files.readAllBytes(Path.of(upload.uploadedFileName())));
            }
        }
        List<byte[]> pixels = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            pixels.add(preprocessor.pixels(files.get(i), names.get(i), deadline));
        }
        return new Images(names, predictor.encode(pixels), pixels);
    }
}
