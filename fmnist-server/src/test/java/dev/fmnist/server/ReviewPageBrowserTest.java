package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.image.DatasetImages;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.plugins.PluginClasses;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium on the review page ({@code fmnist serve --review}): a reviewer confirms one item with
 * Enter and corrects another with a digit; both land in the log and the class folders at once, a second reviewer is
 * given another item, and a restarted server keeps both decisions.
 */
@Tag("browser")
class ReviewPageBrowserTest {

    private static final int IMAGES = 8;

    @TempDir
    Path dir;

    private PredictionServer start(Path catalog) {
        return PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn())), Optional.empty(), "test", PluginClasses.platform(),
                Map.of("cnn", catalog));
    }

    private static String shownItem(WebDriver driver) {
        return driver.findElement(By.id("item-id")).getText();
    }

    @Test
    void aConfirmedAndACorrectedItemLandInTheLogAndTheFoldersAndSurviveARestart() throws Exception {
        LabelledImages test = RealDataset.get().dataset().testImages();
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        for (int i = 0; i < IMAGES; i++) {
            Files.write(catalog.resolve("item-" + i + ".png"), DatasetImages.png(test, i));
        }
        Path log = catalog.resolve("review-log.jsonl");
        String confirmed;
        String corrected;
        try (PredictionServer server = start(catalog)) {
            WebDriver driver = DemoPageBrowserTest.browser(dir.resolve("profile"));
            try {
                driver.get("http://127.0.0.1:" + server.port() + "/review.html?model=cnn");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                wait.until(d -> !shownItem(d).isEmpty());
                assertThat(driver.findElements(By.cssSelector("#top li"))).hasSize(3);
                assertThat(driver.findElements(By.cssSelector("#classes button"))).hasSize(10);
                wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "return document.getElementById('explanation').naturalWidth === 224")));
                Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
                Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                        screenshots.resolve("review-page.png"), StandardCopyOption.REPLACE_EXISTING);

                // a second reviewer is given another item than the one on the page
                Http other = new Http(server.port());
                confirmed = shownItem(driver);
                JsonObject second = other.get("/v2/models/cnn/review/next?reviewer=other").json();
                assertThat(second.getJsonObject("item").getString("id")).isNotEqualTo(confirmed);

                // Enter confirms the model's answer
                String answered = driver.findElement(By.cssSelector("#top li")).getText().replaceFirst(" [0-9.]+%$", "");
                new Actions(driver).sendKeys(Keys.ENTER).perform();
                wait.until(d -> !shownItem(d).equals(confirmed));
                assertThat(Files.readAllLines(log)).hasSize(1).first().asString()
                        .contains("\"item\":\"" + confirmed + "\"").contains("\"label\":\"" + answered + "\"");
                assertThat(catalog.resolve("reviewed").resolve(answered.replace('/', '-')).resolve(confirmed))
                        .isRegularFile();

                // 2 is the second class, Trouser
                corrected = shownItem(driver);
                assertThat(corrected).isNotEqualTo(second.getJsonObject("item").getString("id"));
                new Actions(driver).sendKeys("2").perform();
                wait.until(d -> !shownItem(d).equals(corrected));
                assertThat(Files.readAllLines(log)).hasSize(2).last().asString()
                        .contains("\"item\":\"" + corrected + "\"").contains("\"label\":\"Trouser\"");
                assertThat(catalog.resolve("reviewed/Trouser").resolve(corrected)).isRegularFile();
                assertThat(driver.findElement(By.id("progress")).getText()).startsWith("2 decided, 6 to review");
                assertThat(driver.findElement(By.id("status")).getText()).isEmpty();
            } finally {
                driver.quit();
            }
        }

        try (PredictionServer restarted = start(catalog)) {
            Http http = new Http(restarted.port());
            JsonObject review = http.get("/v2/models/cnn/review").json();
            assertThat(review.getInteger("decided")).isEqualTo(2);
            assertThat(review.getInteger("remaining")).isEqualTo(IMAGES - 2);
            String next = http.get("/v2/models/cnn/review/next?reviewer=ann").json().getJsonObject("item")
                    .getString("id");
            assertThat(next).isNotIn(confirmed, corrected);
            Http.Response again = http.postJson("/v2/models/cnn/review/decisions", new JsonObject()
                    .put("item", confirmed).put("class", 0).put("reviewer", "ann"));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().getString("error")).contains("decided already");
            assertThat(http.get("/v2/models/nope/review").status()).isEqualTo(404);
            // broken decisions are refused in a sentence, and nothing is written for them
            Http.Response noItem = http.postJson("/v2/models/cnn/review/decisions", new JsonObject().put("class", 1)
                    .put("reviewer", "ann"));
            assertThat(noItem.status()).isEqualTo(400);
            assertThat(noItem.json().getString("error")).contains("'item' is missing");
            Http.Response textClass = http.postJson("/v2/models/cnn/review/decisions", new JsonObject()
                    .put("item", next).put("class", "Trouser").put("reviewer", "ann"));
            assertThat(textClass.status()).isEqualTo(400);
            Http.Response outside = http.postJson("/v2/models/cnn/review/decisions", new JsonObject()
                    .put("item", "../../etc/passwd").put("class", 1).put("reviewer", "ann"));
            assertThat(outside.status()).isEqualTo(404);
            assertThat(http.post("/v2/models/cnn/review/decisions", "text/plain", "x".getBytes()).status())
                    .isEqualTo(415);
            assertThat(Files.readAllLines(log)).hasSize(2);
            assertThat(http.get("/v2/models/cnn/review/next?reviewer=no%20spaces").status()).isEqualTo(400);
        }
    }
}
