package dev.fmnist.keras;

import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5S_SCALAR;
import static org.bytedeco.hdf5.global.hdf5.H5T_STR_NULLPAD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.H5Object;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Writes an HDF5 file laid out as Keras 2's {@code model.save("m.h5")} writes it through h5py: the root's
 * {@code keras_version}, {@code backend}, {@code model_config} and {@code training_config} as fixed-length byte
 * strings, and
 * {@code model_weights/<layer>/<layer>/<weight>:0} datasets listed by the {@code layer_names} and {@code weight_names}
 * attributes (arrays of fixed-length, null-padded byte strings, as numpy's {@code S} arrays are stored).
 */
final class KerasH5Writer {

    /** One weight array, in Keras's own shape and order (a Dense kernel is [in, out], a Conv2D's [kh, kw, in, out]). */
    record Weight(String name, long[] shape, float[] values) {}

    /** A layer's weights, in the order Keras lists them; none for a layer without weights. */
    record LayerWeights(String layer, List<Weight> weights) {}

    private KerasH5Writer() {}

    /** What {@code model.save()} stores of a model compiled for sparse labels with Adam, as the seed project did. */
    static final String TRAINING_CONFIG = "{\"loss\": \"sparse_categorical_crossentropy\", \"metrics\": [\"accuracy\"], "
            + "\"weighted_metrics\": null, \"loss_weights\": null, \"optimizer_config\": {\"class_name\": \"Adam\", "
            + "\"config\": {\"name\": \"Adam\", \"learning_rate\": 0.001, \"decay\": 0.0, \"beta_1\": 0.9, "
            + "\"beta_2\": 0.999, \"epsilon\": 1e-07, \"amsgrad\": false}}}";

    static void write(Path file, String modelConfig, String kerasVersion, List<LayerWeights> layers) {
        synchronized (org.deeplearning4j.nn.modelimport.keras.Hdf5Archive.LOCK_OBJECT) {
            H5File h5 = new H5File(file.toString(), H5F_ACC_TRUNC());
            try {
                bytes(h5, "keras_version", kerasVersion);
                bytes(h5, "backend", "tensorflow");
                if (modelConfig != null) { // null: a file of weights only, as save_weights writes
                    bytes(h5, "model_config", modelConfig);
                    bytes(h5, "training_config", TRAINING_CONFIG);
                }
                Group root = h5.createGroup("model_weights");
                bytes(root, "keras_version", kerasVersion);
                bytes(root, "backend", "tensorflow");
                strings(root, "layer_names", layers.stream().map(LayerWeights::layer).toList());
                for (LayerWeights layer : layers) {
                    Group group = root.createGroup(layer.layer());
                    if (layer.weights().isEmpty()) {
                        emptyArray(group, "weight_names");
                    } else {
                        strings(group, "weight_names", layer.weights().stream()
                                .map(w -> layer.layer() + "/" + w.name()).toList());
                        Group inner = group.createGroup(layer.layer());
                        for (Weight weight : layer.weights()) {
                            DataSpace space = new DataSpace(weight.shape().length, weight.shape());
                            DataSet data = inner.createDataSet(weight.name(), PredType.IEEE_F32LE(), space);
                            data.write(new FloatPointer(weight.values()), PredType.NATIVE_FLOAT());
                            data._close();
                            space._close();
                            free(data, space);
                        }
                        inner._close();
                        free(inner);
                    }
                    group._close();
                    free(group);
                }
                root._close();
                free(root);
            } finally {
                h5._close();
                free(h5);
            }
        }
    }

    /** A byte string, as h5py stores a Python {@code bytes} attribute. */
    private static void bytes(H5Object target, String name, String value) {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        StrType type = new StrType(PredType.C_S1(), data.length);
        type.setStrpad(H5T_STR_NULLPAD);
        DataSpace space = new DataSpace(H5S_SCALAR);
        Attribute attribute = target.createAttribute(name, type, space);
        attribute.write(type, new BytePointer(data));
        attribute._close();
        space._close();
        type._close();
        free(attribute, space, type);
    }

    /** An array of byte strings padded to the longest, as h5py stores a numpy {@code S} array. */
    private static void strings(H5Object target, String name, List<String> values) {
        int width = values.stream().mapToInt(v -> v.getBytes(StandardCharsets.UTF_8).length).max().orElse(1);
        byte[] data = new byte[width * values.size()];
        for (int i = 0; i < values.size(); i++) {
            byte[] value = values.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(value, 0, data, i * width, value.length);
        }
        StrType type = new StrType(PredType.C_S1(), width);
        type.setStrpad(H5T_STR_NULLPAD);
        DataSpace space = new DataSpace(1, new long[] {values.size()});
        Attribute attribute = target.createAttribute(name, type, space);
        attribute.write(type, new BytePointer(data));
        attribute._close();
        space._close();
        type._close();
        free(attribute, space, type);
    }

    /** What h5py stores for an empty list: an empty float64 array. */
    private static void emptyArray(H5Object target, String name) {
        DataSpace space = new DataSpace(1, new long[] {0});
        Attribute attribute = target.createAttribute(name, PredType.IEEE_F64LE(), space);
        attribute.write(PredType.NATIVE_DOUBLE(), new DoublePointer(0));
        attribute._close();
        space._close();
        free(attribute, space);
    }

    /**
     * Runs closed HDF5 objects' C++ destructors now, under the importer's lock. Left to the garbage
     * collector, a destructor runs on JavaCPP's deallocating thread and calls into HDF5, which is not thread-safe,
     * while the importer reads another file on the test's thread: it failed once with "H5Lget_name_by_idx failed".
     */
    private static void free(Pointer... objects) {
        for (Pointer object : objects) {
            object.deallocate();
        }
    }
}
