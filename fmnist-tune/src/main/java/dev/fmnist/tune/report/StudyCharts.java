package dev.fmnist.tune.report;

import dev.fmnist.tune.Direction;
import dev.fmnist.tune.Trial;
import dev.fmnist.tune.TrialState;
import dev.fmnist.tune.space.Distribution;
import dev.fmnist.tune.space.SearchSpace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The study report's pictures: XChart for the plots it has, Java2D for parallel coordinates, which it has not. */
final class StudyCharts {

    private static final Color GREY = new Color(0xbbbbbb);
    private static final Color POINT = new Color(0x4a6fe3);

    private StudyCharts() {}

    /**
     * Each complete trial's objective by trial number, the best so far as a step line, and pruned trials in grey at
     * the last value they reported (lower than a full run's would have been: they stopped early).
     */
    static BufferedImage history(List<Trial> trials, Direction direction, String metric) {
        XYChart chart = xy("Optimization history", "trial", metric, 760, 460);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        List<Trial> complete = complete(trials);
        if (complete.isEmpty()) {
            return BitmapEncoder.getBufferedImage(chart);
        }
        List<Trial> pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED && t.value().isPresent())
                .toList();
        if (!pruned.isEmpty()) {
            XYSeries stopped = chart.addSeries("pruned (last value)", pruned.stream().mapToDouble(Trial::number).toArray(),
                    pruned.stream().mapToDouble(t -> t.value().getAsDouble()).toArray());
            stopped.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            stopped.setMarkerColor(GREY);
        }
        XYSeries points = chart.addSeries("complete", complete.stream().mapToDouble(Trial::number).toArray(),
                complete.stream().mapToDouble(t -> t.value().getAsDouble()).toArray());
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double[] best = new double[complete.size()];
        double so = Double.NaN;
        for (int i = 0; i < best.length; i++) {
            double v = complete.get(i).value().getAsDouble();
            so = Double.isNaN(so) || direction.loss(v) < direction.loss(so) ? v : so;
            best[i] = so;
        }
        XYSeries line = chart.addSeries("best so far", complete.stream().mapToDouble(Trial::number).toArray(), best);
        line.setMarker(SeriesMarkers.NONE);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Every trial's intermediate values by step; pruned trials in grey: where the pruner cut them. */
    static BufferedImage curves(List<Trial> trials, String metric) {
        XYChart chart = xy("Trials by epoch (grey: pruned)", "epoch", metric, 760, 440);
        chart.getStyler().setLegendVisible(false);
        for (Trial trial : trials) {
            if (trial.intermediate().isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries("trial " + trial.number(),
                    trial.intermediate().keySet().stream().mapToDouble(Integer::doubleValue).toArray(),
                    trial.intermediate().values().stream().mapToDouble(Double::doubleValue).toArray());
            series.setMarker(SeriesMarkers.NONE);
            if (trial.state() == TrialState.PRUNED) {
                series.setLineColor(GREY);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** One panel per parameter: the objective of each complete trial against that parameter's value. */
    static List<BufferedImage> slices(SearchSpace space, List<Trial> trials, String metric) {
        List<BufferedImage> panels = new ArrayList<>();
        List<Trial> complete = complete(trials);
        space.parameters().forEach((name, distribution) -> {
            // XChart cannot draw a category chart without series: a study with no complete trial gets empty axes
            if (distribution instanceof Distribution.Categorical categorical && !complete.isEmpty()) {
                // one point per trial above its choice, as for numbers (means as bars from zero would hide spreads
                // of a few tenths of a point, which is what a study's trials differ by); a series per trial, so
                // that XChart sets the points of one choice side by side instead of on top of each other
                CategoryChart chart = new CategoryChartBuilder().width(420).height(320).title(name).xAxisTitle(name)
                        .yAxisTitle(metric).build();
                chart.getStyler().setLegendVisible(false);
                chart.getStyler().setChartBackgroundColor(Color.WHITE);
                chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
                List<String> choices = categorical.choices();
                for (Trial trial : complete) {
                    List<Double> values = new ArrayList<>(java.util.Collections.nCopies(choices.size(), (Double) null));
                    values.set(choices.indexOf(String.valueOf(trial.params().get(name))), trial.value().getAsDouble());
                    CategorySeries series = chart.addSeries("trial " + trial.number(), choices, values);
                    series.setMarker(SeriesMarkers.CIRCLE);
                    series.setMarkerColor(POINT);
                }
                panels.add(BitmapEncoder.getBufferedImage(chart));
                return;
            }
            XYChart chart = xy(name, name, metric, 420, 320);
            chart.getStyler().setLegendVisible(false);
            boolean log = distribution instanceof Distribution.FloatRange f ? f.log()
                    : distribution instanceof Distribution.IntRange i && i.log();
            chart.getStyler().setXAxisLogarithmic(log);
            if (!complete.isEmpty()) {
                chart.addSeries(name, complete.stream().mapToDouble(t -> ((Number) t.params().get(name)).doubleValue())
                        .toArray(), complete.stream().mapToDouble(t -> t.value().getAsDouble()).toArray())
                        .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
            panels.add(BitmapEncoder.getBufferedImage(chart));
        });
        return panels;
    }

    /** Parameter importance as shares, a bar per parameter (labels slanted: names like "learning-rate" are long). */
    static BufferedImage importance(Map<String, Double> shares) {
        if (shares.isEmpty()) { // XChart cannot draw a category chart without series
            return BitmapEncoder.getBufferedImage(xy("Parameter importance: no complete trials", "parameter",
                    "share", 620, 420));
        }
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(620, 110 * shares.size())).height(420)
                .title("Parameter importance (correlation ratio, normalized)").xAxisTitle("parameter")
                .yAxisTitle("share").build();
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.addSeries("share", new ArrayList<>(shares.keySet()), new ArrayList<>(shares.values()));
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Parallel coordinates: an axis per parameter (scaled to its range, log ranges in log space) and one for the
     * objective; a line per complete trial, darker the better its objective.
     */
    static BufferedImage parallelCoordinates(SearchSpace space, List<Trial> trials, Direction direction,
            String metric) {
        List<String> axes = new ArrayList<>(space.parameters().keySet());
        axes.add(metric);
        int width = Math.max(640, 160 * axes.size()) + 100; // room for the last axis's label
        int height = 460;
        int top = 60;
        int bottom = height - 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString("Parallel coordinates (darker: better " + metric + ")", 20, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            List<Trial> complete = complete(trials);
            double[] objective = complete.stream().mapToDouble(t -> direction.loss(t.value().getAsDouble())).toArray();
            double lo = java.util.Arrays.stream(objective).min().orElse(0);
            double hi = java.util.Arrays.stream(objective).max().orElse(1);
            int step = (width - 220) / Math.max(1, axes.size() - 1);
            for (int a = 0; a < axes.size(); a++) {
                int x = 60 + a * step;
                g.setColor(Color.DARK_GRAY);
                g.drawLine(x, top, x, bottom);
                boolean objectiveAxis = a == axes.size() - 1;
                g.drawString(objectiveAxis ? axes.get(a) + " (top: best)" : axes.get(a), x - 30, bottom + 25);
                String[] ends = objectiveAxis
                        ? new String[] {complete.isEmpty() ? "" : format(direction, hi), complete.isEmpty() ? ""
                                : format(direction, lo)}
                        : ends(space.parameters().get(axes.get(a)));
                g.setColor(Color.GRAY);
                g.drawString(ends[0], x + 4, bottom - 2);
                g.drawString(ends[1], x + 4, top + 10);
            }
            g.setStroke(new BasicStroke(1.4f));
            for (int i = 0; i < complete.size(); i++) {
                double quality = hi == lo ? 1 : 1 - (objective[i] - lo) / (hi - lo);
                int shade = (int) (220 - 200 * quality);
                g.setColor(new Color(shade, shade, Math.min(255, shade + 40)));
                int previousX = -1;
                int previousY = -1;
                for (int a = 0; a < axes.size(); a++) {
                    double position = a < axes.size() - 1
                            ? position(space.parameters().get(axes.get(a)), complete.get(i).params().get(axes.get(a)))
                            : (hi == lo ? 0.5 : 1 - (objective[i] - lo) / (hi - lo));
                    int x = 60 + a * step;
                    int y = (int) (bottom - position * (bottom - top));
                    if (previousX >= 0) {
                        g.drawLine(previousX, previousY, x, y);
                    }
                    previousX = x;
                    previousY = y;
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** An objective back from its loss form, for the axis ends. */
    private static String format(Direction direction, double loss) {
        return String.format(java.util.Locale.ROOT, "%.4g", direction == Direction.MINIMIZE ? loss : -loss);
    }

    /** The bottom and top labels of a parameter's axis. */
    private static String[] ends(Distribution distribution) {
        if (distribution instanceof Distribution.Categorical categorical) {
            return new String[] {categorical.choices().get(0),
                    categorical.choices().get(categorical.choices().size() - 1)};
        }
        if (distribution instanceof Distribution.FloatRange range) {
            return new String[] {String.format(java.util.Locale.ROOT, "%.3g", range.low()),
                    String.format(java.util.Locale.ROOT, "%.3g", range.high())};
        }
        Distribution.IntRange range = (Distribution.IntRange) distribution;
        return new String[] {Long.toString(range.low()), Long.toString(range.high())};
    }

    /** Where a value sits on its axis, 0 (bottom) to 1 (top). */
    private static double position(Distribution distribution, Object value) {
        if (distribution instanceof Distribution.Categorical categorical) {
            int n = categorical.choices().size();
            return n == 1 ? 0.5 : categorical.choices().indexOf(String.valueOf(value)) / (double) (n - 1);
        }
        if (distribution instanceof Distribution.FloatRange range) {
            double v = ((Number) value).doubleValue();
            return (range.toInternal(v) - range.toInternal(range.low()))
                    / (range.toInternal(range.high()) - range.toInternal(range.low()));
        }
        Distribution.IntRange range = (Distribution.IntRange) distribution;
        double v = ((Number) value).doubleValue();
        return (range.toInternal(v) - range.toInternal(range.low()))
                / (range.toInternal(range.high()) - range.toInternal(range.low()));
    }

    private static List<Trial> complete(List<Trial> trials) {
        return trials.stream().filter(t -> t.state() == TrialState.COMPLETE && t.value().isPresent()).toList();
    }

    private static XYChart xy(String title, String x, String y, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(6);
        return chart;
    }
}
