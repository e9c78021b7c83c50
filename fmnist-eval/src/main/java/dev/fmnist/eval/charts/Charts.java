package dev.fmnist.eval.charts;

import dev.fmnist.api.training.EpochMetrics;
import dev.fmnist.eval.metrics.SelectivePrediction;
import dev.fmnist.eval.metrics.SelectivePrediction.CurvePoint;
import dev.fmnist.eval.metrics.CalibrationBin;
import dev.fmnist.eval.metrics.ClassMetrics;
import dev.fmnist.eval.metrics.EvaluationMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of reports, drawn by XChart into images (headless, no window). */
public final class Charts {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Charts() {}

    /** Loss and accuracy per epoch, training and validation, side by side. */
    public static BufferedImage trainingCurves(List<EpochMetrics> history, String title) {
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart loss = xy(title + ": loss", "epoch", "cross-entropy");
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray());
        loss.addSeries("validation", epochs, history.stream().mapToDouble(EpochMetrics::validationLoss).toArray());
        XYChart accuracy = xy(title + ": accuracy", "epoch", "accuracy");
        accuracy.addSeries("train", epochs, history.stream().mapToDouble(EpochMetrics::trainAccuracy).toArray());
        accuracy.addSeries("validation", epochs,
                history.stream().mapToDouble(EpochMetrics::validationAccuracy).toArray());
        return sideBySide(BitmapEncoder.getBufferedImage(loss), BitmapEncoder.getBufferedImage(accuracy));
    }

    /** The confusion matrix as a labelled heatmap: rows are true classes, columns predicted ones, with counts. */
    public static BufferedImage confusionHeatmap(EvaluationMetrics metrics, List<String> classNames, String title) {
        HeatMapChart chart = new HeatMapChartBuilder().width(860).height(760).title(title).build();
        chart.setXAxisTitle("predicted");
        chart.setYAxisTitle("true");
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setHeatMapValueDecimalPattern("#");
        chart.getStyler().setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6)});
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLabelRotation(40);
        int n = classNames.size();
        List<Number[]> cells = new ArrayList<>();
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                // The y axis grows upwards: put the first class on top, as a matrix is read.
                cells.add(new Number[] {predicted, n - 1 - actual, metrics.confusion()[actual][predicted]});
            }
        }
        List<String> yLabels = new ArrayList<>(classNames);
        java.util.Collections.reverse(yLabels);
        chart.addSeries("images", classNames, yLabels, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Accuracy against mean confidence per bin; the diagonal is perfect calibration. */
    public static BufferedImage reliabilityDiagram(EvaluationMetrics metrics, String title) {
        XYChart chart = xy(String.format("%s (ECE %.4f)", title, metrics.expectedCalibrationError()), "confidence",
                "accuracy");
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE)
                .setLineColor(Color.GRAY);
        List<CalibrationBin> bins = metrics.calibration().stream().filter(b -> b.count() > 0).toList();
        XYSeries model = chart.addSeries("model", bins.stream().mapToDouble(CalibrationBin::meanConfidence).toArray(),
                bins.stream().mapToDouble(CalibrationBin::accuracy).toArray());
        model.setMarker(SeriesMarkers.CIRCLE);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * The error rate of the accepted answers against the share accepted, most confident first, with the thresholds
     * chosen for target accuracies where they land on these images.
     */
    public static BufferedImage riskCoverage(SelectivePrediction selective, String title) {
        XYChart chart = xy(String.format("%s (AURC %.4f)", title, selective.areaUnderCurve()), "coverage",
                "error rate of accepted answers");
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0);
        // the curve rises to the right: the legend fits above its start
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setMarkerSize(9);
        chart.addSeries("model", selective.riskCoverage().stream().mapToDouble(CurvePoint::coverage).toArray(),
                selective.riskCoverage().stream().mapToDouble(CurvePoint::risk).toArray()).setMarker(SeriesMarkers.NONE);
        List<SelectivePrediction.Target> chosen = selective.targets().stream()
                .filter(t -> t.threshold() != null && t.probabilities().equals(answered(selective))).toList();
        if (!chosen.isEmpty()) {
            XYSeries thresholds = chart.addSeries("thresholds of the targets reached (chosen on validation)",
                    chosen.stream().mapToDouble(SelectivePrediction.Target::coverage).toArray(),
                    chosen.stream().mapToDouble(t -> 1 - t.acceptedAccuracy()).toArray());
            thresholds.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            thresholds.setMarker(SeriesMarkers.CIRCLE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The probabilities the curve is of: calibrated when the targets have calibrated rows. */
    private static String answered(SelectivePrediction selective) {
        return selective.targets().stream().anyMatch(t -> t.probabilities().equals("calibrated")) ? "calibrated"
                : "raw";
    }

    /** Validation accuracy per epoch of several runs on one chart. */
    public static BufferedImage validationCurves(Map<String, List<EpochMetrics>> histories) {
        XYChart chart = xy("Validation accuracy per epoch", "epoch", "validation accuracy");
        histories.forEach((name, history) -> chart.addSeries(name,
                history.stream().mapToDouble(EpochMetrics::epoch).toArray(),
                history.stream().mapToDouble(EpochMetrics::validationAccuracy).toArray()));
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Per-class F1 of several runs, grouped by class. */
    public static BufferedImage perClassF1(Map<String, EvaluationMetrics> runs, List<String> classNames) {
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(500).title("F1 per class (test)")
                .xAxisTitle("class").yAxisTitle("F1").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        runs.forEach((name, metrics) -> chart.addSeries(name, classNames,
                metrics.perClass().stream().map(ClassMetrics::f1).toList()));
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(620).height(440).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    private static BufferedImage sideBySide(BufferedImage left, BufferedImage right) {
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, both.getWidth(), both.getHeight());
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth(), 0, null);
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(left.getWidth(), 10, left.getWidth(), both.getHeight() - 10);
            g.setFont(TITLE);
        } finally {
            g.dispose();
        }
        return both;
    }
}
