package dev.fmnist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fmnist.api.data.LabelledImages;
import dev.fmnist.data.RealDataset;
import dev.fmnist.runtime.TestModels;
import dev.fmnist.runtime.predict.Predictions;
import dev.fmnist.runtime.predict.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium drives the demo page: it uploads a real image and reads the class the page shows. */
@Tag("browser")
class DemoPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    static {
        // Selenium logs through java.util.logging; its CDP version notice is noise for a page without CDP use.
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
    }

    static WebDriver browser(Path profile) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            if (System.getenv("CI") != null) {
                fail("chromium and chromium-driver are not installed: .ci/run installs them");
            }
            Assumptions.abort("apt-get install chromium chromium-driver to run the browser test");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The machine's network is closed: keep Chromium from calling home at start-up.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @Test
    void uploadingAProductImageShowsTheModelsClass() throws Exception {
        LabelledImages test = RealDataset.get().dataset().testImages();
        Predictions offline = Predictor.load(TestModels.cnn()).predictions(test);
        int index = 0;
        while (offline.confidence(index) < 0.8) {
            index++;
        }
        Path image = Files.write(dir.resolve("item.png"), PredictionServerTest.png(test, index));

        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource(null, TestModels.cnn())), "test")) {
            WebDriver driver = browser(dir.resolve("profile"));
            try {
                driver.get("http://127.0.0.1:" + server.port() + "/");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                wait.until(d -> !d.findElements(By.cssSelector("#model option")).isEmpty());
                driver.findElement(By.id("file")).sendKeys(image.toString());
                wait.until(d -> !d.findElements(By.cssSelector("#classes li")).isEmpty());
                List<WebElement> shown = driver.findElements(By.cssSelector("#classes li"));
                assertThat(shown).hasSize(3);
                assertThat(shown.get(0).getAttribute("data-label"))
                        .isEqualTo(test.classNames().get(offline.predicted(index)));
                assertThat(shown.get(0).getText()).matches(".+ [0-9.]+%");

                // Drawing on the canvas asks the server too: the list is refilled live.
                driver.findElement(By.id("clear")).click();
                assertThat(driver.findElements(By.cssSelector("#classes li"))).isEmpty();
                WebElement canvas = driver.findElement(By.id("canvas"));
                new Actions(driver).moveToElement(canvas, -60, -100).clickAndHold().moveByOffset(0, 200)
                        .moveByOffset(120, 0).moveByOffset(0, -200).release().perform();
                wait.until(d -> d.findElements(By.cssSelector("#classes li")).size() == 3);
                assertThat(driver.findElement(By.id("status")).getText()).isEmpty();
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    void aModelWithACatalogIndexShowsTheSimilarItemsAsAStrip() throws Exception {
        LabelledImages test = RealDataset.get().dataset().testImages();
        LabelledImages catalog = test.subset(java.util.stream.IntStream.range(0, 500).toArray());
        Path model = new dev.fmnist.runtime.run.RunDirectory(TestModels.cnn()).model();
        Path index = dir.resolve("index");
        dev.fmnist.runtime.search.CatalogIndexer.index(Predictor.load(model), model, catalog,
                java.util.stream.IntStream.range(0, 500).mapToObj(i -> "test/" + i).toList(), "test", null).save(index);
        Path image = Files.write(dir.resolve("item.png"), PredictionServerTest.png(test, 7));

        try (PredictionServer server = PredictionServer.start(ServerConfig.defaults().withPort(0),
                List.of(new ModelSource("cnn", TestModels.cnn()).withIndex(index)), "test")) {
            WebDriver driver = browser(dir.resolve("profile"));
            try {
                driver.get("http://127.0.0.1:" + server.port() + "/");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                wait.until(d -> !d.findElements(By.cssSelector("#model option")).isEmpty());
                driver.findElement(By.id("file")).sendKeys(image.toString());
                wait.until(d -> d.findElements(By.cssSelector("#similar li")).size() == 8);
                assertThat(driver.findElement(By.id("similar-section")).isDisplayed()).isTrue();
                List<WebElement> strip = driver.findElements(By.cssSelector("#similar li"));
                assertThat(strip.get(0).getAttribute("data-id")).as("the item itself is the nearest").isEqualTo("test/7");
                assertThat(strip.get(0).getText()).isEqualTo(test.classNames().get(test.label(7)) + " 1.00");
                WebElement thumbnail = strip.get(0).findElement(By.tagName("img"));
                wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return arguments[0].complete && arguments[0].naturalWidth === 28", thumbnail)));
            } finally {
                driver.quit();
            }
        }
    }
}
