"""Lab 06, regularization: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "06_regularization"


VARIANTS = [
    # ---- polynomial_features
    *variants(LAB, MISTAKE, "polynomial_features", "highest_power_first", names=("decreasing order",), tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(degree, -1, -1)], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.vander(x, N=degree + 1)
        """),
    # the visible x is float32, so only the hidden tests (float64 x) see the cast
    *variants(LAB, HIDDEN_ONLY, "polynomial_features", "cast_to_float32", names=("dtype", "float32"), tensorflow="""
        def polynomial_features(x, degree):
            return tf.cast(tf.stack([x**k for k in range(degree + 1)], axis=1), tf.float32)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(degree + 1)], dim=1).float()
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "powers_start_at_one", names=("start at 1", "x^0"), tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(1, degree + 2)], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(1, degree + 2)], dim=1)
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "no_constant_column", names=("constant column",), tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(1, degree + 1)], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(1, degree + 1)], dim=1)
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "range_stops_early", names=("x^degree", "degree + 1"),
              tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(degree)], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(degree)], dim=1)
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "stacked_along_axis_0", names=("transposed",), tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(degree + 1)])
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(degree + 1)])
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "columns_concatenated", names=("concatenated", "stack"),
              tensorflow="""
        def polynomial_features(x, degree):
            return tf.concat([x**k for k in range(degree + 1)], axis=0)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.cat([x**k for k in range(degree + 1)])
        """),
    # the visible example has degree 3: a fixed 4 columns passes it
    *variants(LAB, HIDDEN_ONLY, "polynomial_features", "degree_typed_in", names=("`degree`", "fixed"), tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([tf.ones_like(x), x, x**2, x**3], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([torch.ones_like(x), x, x**2, x**3], dim=1)
        """),
    *variants(LAB, MISTAKE, "polynomial_features", "numpy_vander", names=("numpy",), tensorflow="""
        def polynomial_features(x, degree):
            return np.vander(x.numpy(), degree + 1, increasing=True)
        """, torch="""
        def polynomial_features(x, degree):
            return np.vander(x.numpy(), degree + 1, increasing=True)
        """),
    *variants(LAB, ALTERNATIVE, "polynomial_features", "broadcast_powers", tensorflow="""
        def polynomial_features(x, degree):
            powers = tf.range(degree + 1, dtype=x.dtype)
            return tf.pow(x[:, None], powers[None, :])
        """, torch="""
        def polynomial_features(x, degree):
            return torch.vander(x, N=degree + 1, increasing=True)
        """),
    *variants(LAB, ALTERNATIVE, "polynomial_features", "columns_multiplied_in_a_loop", tensorflow="""
        def polynomial_features(x, degree):
            columns = [tf.ones_like(x)]
            for _ in range(degree):
                columns.append(columns[-1] * x)
            return tf.stack(columns, axis=-1)
        """, torch="""
        def polynomial_features(x, degree):
            columns = [torch.ones_like(x)]
            for _ in range(degree):
                columns.append(columns[-1] * x)
            return torch.stack(columns, dim=-1)
        """),
    *variants(LAB, ALTERNATIVE, "polynomial_features", "cumulative_product", tensorflow="""
        def polynomial_features(x, degree):
            repeated = tf.repeat(x[:, None], degree + 1, axis=1)
            return tf.math.cumprod(repeated, axis=1, exclusive=True)
        """, torch="""
        def polynomial_features(x, degree):
            ones = torch.ones(len(x), 1, dtype=x.dtype)
            return torch.cat([ones, torch.cumprod(x[:, None].repeat(1, degree), dim=1)], dim=1)
        """),
    # ---- fit
    *variants(LAB, MISTAKE, "fit", "weights_as_a_column", names=("column",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean((y - y_hat) ** 2)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution


        def mean_squared_error(y, y_hat):
            return torch.mean((y - y_hat) ** 2)
        """),
    *variants(LAB, MISTAKE, "fit", "numpy_polyfit", names=("highest power first",), tensorflow="""
        def fit_polynomial(x, y, degree):
            return tf.constant(np.polyfit(x.numpy(), y.numpy(), degree))


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean((y - y_hat) ** 2)
        """, torch="""
        def fit_polynomial(x, y, degree):
            return torch.from_numpy(np.polyfit(x.numpy(), y.numpy(), degree))


        def mean_squared_error(y, y_hat):
            return torch.mean((y - y_hat) ** 2)
        """),
    *variants(LAB, MISTAKE, "fit", "one_weight_too_few", names=("d + 1",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree - 1)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean((y - y_hat) ** 2)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree - 1)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.mean((y - y_hat) ** 2)
        """),
    *variants(LAB, MISTAKE, "fit", "solved_in_float32", names=("float64",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = tf.cast(polynomial_features(x, degree), tf.float32)
            return tf.linalg.lstsq(A, tf.cast(y, tf.float32)[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean((y - y_hat) ** 2)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x.float(), degree)
            return torch.linalg.lstsq(A, y.float()[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.mean((y - y_hat) ** 2)
        """),
    *variants(LAB, MISTAKE, "fit", "summed_squares", names=("sum", "mean"), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return tf.reduce_sum((y - y_hat) ** 2)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.sum((y - y_hat) ** 2)
        """),
    *variants(LAB, MISTAKE, "fit", "root_of_the_mean", names=("root mean squared",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return tf.sqrt(tf.reduce_mean(tf.square(y - y_hat)))
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.sqrt(torch.mean((y - y_hat) ** 2))
        """),
    *variants(LAB, MISTAKE, "fit", "mean_squared_after", names=("mean is squared",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean(y - y_hat) ** 2
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.mean(y - y_hat) ** 2
        """),
    *variants(LAB, MISTAKE, "fit", "divided_by_n_minus_1", names=("n - 1",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            n = tf.cast(tf.size(y), y.dtype)
            return tf.reduce_sum((y - y_hat) ** 2) / (n - 1)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return torch.sum((y - y_hat) ** 2) / (len(y) - 1)
        """),
    *variants(LAB, MISTAKE, "fit", "squared_errors_not_averaged", names=("one number",), tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


        def mean_squared_error(y, y_hat):
            return (y - y_hat) ** 2
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


        def mean_squared_error(y, y_hat):
            return (y - y_hat) ** 2
        """),
    *variants(LAB, ALTERNATIVE, "fit", "normal_equations", tensorflow="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            w = tf.linalg.solve(tf.transpose(A) @ A, tf.transpose(A) @ y[:, None])
            return tf.reshape(w, [-1])


        def mean_squared_error(y, y_hat):
            d = y_hat - y
            return tf.reduce_sum(d * d) / tf.cast(tf.size(d), d.dtype)
        """, torch="""
        def fit_polynomial(x, y, degree):
            A = polynomial_features(x, degree)
            return torch.linalg.solve(A.T @ A, A.T @ y)


        def mean_squared_error(y, y_hat):
            return torch.nn.functional.mse_loss(y_hat, y)
        """),
    *variants(LAB, ALTERNATIVE, "fit", "pseudo_inverse", tensorflow="""
        def fit_polynomial(x, y, degree):
            return tf.linalg.matvec(tf.linalg.pinv(polynomial_features(x, degree)), y)


        def mean_squared_error(y, y_hat):
            return tf.reduce_mean(tf.math.squared_difference(y, y_hat))
        """, torch="""
        def fit_polynomial(x, y, degree):
            return torch.linalg.pinv(polynomial_features(x, degree)) @ y


        def mean_squared_error(y, y_hat):
            return ((y - y_hat) ** 2).sum() / y.numel()
        """),
    # ---- predict_best_degree (one cell for both frameworks)
    *variants(LAB, MISTAKE, "predict_best_degree", "simplest_is_safest", names=("not (a)", "underfitting"), both="""
        def predict_best_degree():
            return "a"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "most_flexible", names=("not (c)", "fits the noise"), both="""
        def predict_best_degree():
            return "c"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "all_about_equal", names=("not (d)", "several hundred"), both="""
        def predict_best_degree():
            return "d"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "the_degree_itself", names=("as a string", "got int"), both="""
        def predict_best_degree():
            return 3
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "the_degree_as_text", names=("one of the letters",), both="""
        def predict_best_degree():
            return "3"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "no_such_letter", names=("one of the letters", "'e'"), both="""
        def predict_best_degree():
            return "e"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "two_letters", names=("one of the letters",), both="""
        def predict_best_degree():
            return "b or c"
        """),
    *variants(LAB, MISTAKE, "predict_best_degree", "a_list", names=("as a string", "got list"), both="""
        def predict_best_degree():
            return ["b"]
        """),
    *variants(LAB, ALTERNATIVE, "predict_best_degree", "capital", both="""
        def predict_best_degree():
            return "B"
        """),
    *variants(LAB, ALTERNATIVE, "predict_best_degree", "in_parentheses", both="""
        def predict_best_degree():
            return "(b)"
        """),
    *variants(LAB, ALTERNATIVE, "predict_best_degree", "with_spaces_and_bracket", both="""
        def predict_best_degree():
            return " b) "
        """),
    # ---- dropout
    *variants(LAB, MISTAKE, "dropout", "not_scaled", names=("forgetting to scale", "1 - p"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
            return tf.where(keep, x, tf.zeros_like(x))
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.rand_like(x) >= p
            return torch.where(keep, x, torch.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout", "the_frameworks_dropout", names=("framework's own dropout",), tensorflow="""
        def dropout(x, p, training=True):
            return tf.nn.dropout(x, rate=p) if training else x
        """, torch="""
        def dropout(x, p, training=True):
            return torch.nn.functional.dropout(x, p, training)
        """),
    *variants(LAB, MISTAKE, "dropout", "keeps_below_p", names=("keep probability", "drop probability"),
              tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = tf.random.uniform(tf.shape(x)) < p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.rand(x.shape) < p
            return torch.where(keep, x / (1 - p), torch.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout", "divided_by_p", names=("divided by p",), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            mask = tf.cast(tf.random.uniform(tf.shape(x)) >= p, x.dtype)
            return x * mask / p
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            mask = (torch.rand_like(x) >= p).float()
            return x * mask / p
        """),
    *variants(LAB, MISTAKE, "dropout", "training_ignored", names=("evaluation",), tensorflow="""
        def dropout(x, p, training=True):
            keep = tf.random.uniform(tf.shape(x)) >= p
            return tf.where(keep, x / (1 - p), 0.0)
        """, torch="""
        def dropout(x, p, training=True):
            keep = torch.rand_like(x) >= p
            return torch.where(keep, x / (1 - p), 0.0)
        """),
    # the classical dropout of the original paper: no scaling in training, (1 - p) at evaluation
    *variants(LAB, MISTAKE, "dropout", "scaled_at_evaluation_instead", names=("scale", "1 - p"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x * (1 - p)
            mask = tf.cast(tf.random.uniform(tf.shape(x)) >= p, x.dtype)
            return x * mask
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x * (1 - p)
            return x * (torch.rand_like(x) >= p)
        """),
    *variants(LAB, MISTAKE, "dropout", "seed_set_inside", names=("same entries", "seed"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            tf.random.set_seed(42)
            keep = tf.random.uniform(tf.shape(x)) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            torch.manual_seed(42)
            keep = torch.rand_like(x) >= p
            return torch.where(keep, x / (1 - p), torch.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout", "one_number_per_row", names=("row",), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = tf.random.uniform([tf.shape(x)[0], 1]) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.rand(x.shape[0], 1) >= p
            return torch.where(keep, x / (1 - p), torch.zeros_like(x))
        """),
    # the visible x is a matrix: only other ranks (any shape, says the docstring) break the two-axis mask
    *variants(LAB, MISTAKE, "dropout", "mask_for_matrices_only", names=("any shape",), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            rows, columns = x.shape
            keep = tf.random.uniform((rows, columns)) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.rand(x.shape[0], x.shape[1]) >= p
            return torch.where(keep, x / (1 - p), torch.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout", "boolean_mask_kept_as_float64", names=("float64", "float32"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = tf.random.uniform(tf.shape(x), dtype=tf.float64) >= p
            return tf.cast(keep, tf.float64) * tf.cast(x, tf.float64) / (1 - p)
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.from_numpy(np.random.rand(*x.shape) >= p)
            return x * keep.double() / (1 - p)
        """),
    *variants(LAB, MISTAKE, "dropout", "drawn_with_numpy", names=("numpy", "tf.function"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = np.random.rand(*x.shape) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout", "zeroed_in_place", names=("in place",), torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            x[torch.rand_like(x) < p] = 0
            return x / (1 - p)
        """),
    *variants(LAB, ALTERNATIVE, "dropout", "mask_multiplied", tensorflow="""
        def dropout(x, p, training=True):
            if training:
                mask = tf.cast(tf.random.uniform(tf.shape(x)) < 1 - p, x.dtype)
                return x * mask / (1 - p)
            return x
        """, torch="""
        def dropout(x, p, training=True):
            if training:
                mask = torch.bernoulli(torch.full_like(x, 1 - p))
                return x * mask / (1 - p)
            return x
        """),
    *variants(LAB, ALTERNATIVE, "dropout", "masked_copy", tensorflow="""
        def dropout(x, p, training=True):
            if not training or p == 0:
                return tf.identity(x)
            scale = 1.0 / (1.0 - p)
            u = tf.random.uniform(tf.shape(x), dtype=x.dtype)
            return tf.where(u < p, tf.zeros_like(x), x * scale)
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x.clone()
            out = x.clone()
            out[torch.rand_like(x) < p] = 0
            return out / (1 - p)
        """),
    # ---- dropout_layer
    *variants(LAB, MISTAKE, "dropout_layer", "always_dropping", names=("evaluation", "training"), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                return dropout(x, self.p, training=True)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                return dropout(x, self.p)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "never_dropping", names=("nothing was dropped",), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                return dropout(x, self.p, training=False)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x, training=False):  # the Keras signature: nn.Module's mode is self.training
                return dropout(x, self.p, training)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "the_frameworks_layer_inside", names=("framework's own dropout",),
              tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p
                self.inner = tf.keras.layers.Dropout(p)

            def call(self, x, training=None):
                return self.inner(x, training=training)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p
                self.inner = nn.Dropout(p)

            def forward(self, x):
                return self.inner(x)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "subclass_of_the_frameworks_dropout", names=("framework's own dropout",),
              tensorflow="""
        class InvertedDropout(tf.keras.layers.Dropout):
            def __init__(self, p, **kwargs):
                super().__init__(rate=p, **kwargs)
                self.p = p
        """, torch="""
        class InvertedDropout(nn.Dropout):
            def __init__(self, p):
                super().__init__(p)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "keep_probability_passed", names=("1 - p",), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.keep = 1 - p

            def call(self, x, training=None):
                return dropout(x, self.keep, training=bool(training))
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.keep = 1 - p

            def forward(self, x):
                return dropout(x, self.keep, training=self.training)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "mask_drawn_once", names=("same entries", "fresh mask"), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p
                self.mask = None

            def call(self, x, training=None):
                if not training:
                    return x
                if self.mask is None:
                    self.mask = tf.cast(tf.random.uniform(tf.shape(x)) >= self.p, x.dtype)
                return x * self.mask / (1 - self.p)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p
                self.mask = None

            def forward(self, x):
                if not self.training:
                    return x
                if self.mask is None:
                    self.mask = (torch.rand_like(x) >= self.p).to(x.dtype)
                return x * self.mask / (1 - self.p)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "not_scaled_in_the_layer", names=("forgetting to scale",),
              tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                if not training:
                    return x
                return x * tf.cast(tf.random.uniform(tf.shape(x)) >= self.p, x.dtype)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                if not self.training:
                    return x
                return x * (torch.rand_like(x) >= self.p)
        """),
    # Keras passes training=None when nobody says the model trains: `is not False` counts that as training
    *variants(LAB, MISTAKE, "dropout_layer", "none_taken_for_training", names=("none", "inference"), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                return dropout(x, self.p, training=training is not False)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "training_defaults_to_true", names=("none", "default"), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=True):
                return dropout(x, self.p, training=training)
        """),
    # eager calls draw a new NumPy mask each time; a tf.function (as in fit()) bakes one mask into its graph
    *variants(LAB, MISTAKE, "dropout_layer", "numpy_mask_in_call", names=("tf.function", "numpy"), tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                if not training:
                    return x
                keep = np.random.rand(*x.shape) >= self.p
                return tf.where(keep, x / (1 - self.p), tf.zeros_like(x))
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "self_train_is_a_method", names=("evaluation", "self.training"), torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                return dropout(x, self.p, training=self.train)
        """),
    *variants(LAB, MISTAKE, "dropout_layer", "zeroed_in_place", names=("in place",), torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                if self.training:
                    x[torch.rand_like(x) < self.p] = 0
                    x /= 1 - self.p
                return x
        """),
    *variants(LAB, ALTERNATIVE, "dropout_layer", "mode_tested_in_the_layer", tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                if not training:
                    return x
                keep = tf.cast(tf.random.uniform(tf.shape(x)) >= self.p, x.dtype)
                return x * keep / (1 - self.p)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                if not self.training:
                    return x
                keep = (torch.rand(x.shape) >= self.p).to(x.dtype)
                return x * keep / (1 - self.p)
        """),
    *variants(LAB, ALTERNATIVE, "dropout_layer", "mode_resolved_first", tensorflow="""
        class InvertedDropout(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=False):
                if training is None:
                    training = False
                return dropout(x, self.p, training)
        """, torch="""
        class InvertedDropout(nn.Module):
            def __init__(self, p):
                super().__init__()
                self.p = p

            def forward(self, x):
                return dropout(x, self.p, True) if self.training else x
        """),
    # ---- early_stopping (one cell for both frameworks)
    *variants(LAB, MISTAKE, "early_stopping", "a_tie_counts_as_improvement", names=("equal to the best", "strictly"),
              both="""
        def early_stopping(val_losses, patience):
            best_epoch, best_loss, epochs_without_improvement = 0, float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss <= best_loss:
                    best_epoch, best_loss, epochs_without_improvement = epoch, loss, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses) - 1
        """),
    *variants(LAB, MISTAKE, "early_stopping", "waits_one_epoch_more", names=("one epoch too late",), both="""
        def early_stopping(val_losses, patience):
            best_epoch, best_loss, waited = 0, float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss < best_loss:
                    best_epoch, best_loss, waited = epoch, loss, 0
                else:
                    waited += 1
                    if waited > patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses) - 1
        """),
    *variants(LAB, MISTAKE, "early_stopping", "counter_never_reset", names=("not reset",), both="""
        def early_stopping(val_losses, patience):
            best_epoch, best_loss, waited = 0, float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss < best_loss:
                    best_epoch, best_loss = epoch, loss
                else:
                    waited += 1
                    if waited == patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses) - 1
        """),
    *variants(LAB, MISTAKE, "early_stopping", "best_of_the_whole_curve", names=("whole curve",), both="""
        def early_stopping(val_losses, patience):
            best_loss, waited = float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss < best_loss:
                    best_loss, waited = loss, 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            return int(np.argmin(val_losses)), epoch
        """),
    *variants(LAB, MISTAKE, "early_stopping", "epochs_counted_from_one", names=("numbered from 1",), both="""
        def early_stopping(val_losses, patience):
            best_epoch, best_loss, waited = 1, float("inf"), 0
            for epoch, loss in enumerate(val_losses, start=1):
                if loss < best_loss:
                    best_epoch, best_loss, waited = epoch, loss, 0
                else:
                    waited += 1
                    if waited == patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses)
        """),
    *variants(LAB, MISTAKE, "early_stopping", "last_epoch_is_the_length", names=("len(val_losses) - 1",), both="""
        def early_stopping(val_losses, patience):
            best_epoch, best_loss, waited = 0, float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss < best_loss:
                    best_epoch, best_loss, waited = epoch, loss, 0
                else:
                    waited += 1
                    if waited == patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses)
        """),
    *variants(LAB, MISTAKE, "early_stopping", "the_best_loss_returned", names=("not the epoch",), both="""
        def early_stopping(val_losses, patience):
            best_loss, waited = float("inf"), 0
            for epoch, loss in enumerate(val_losses):
                if loss < best_loss:
                    best_loss, waited = loss, 0
                else:
                    waited += 1
                    if waited == patience:
                        return best_loss, epoch
            return best_loss, len(val_losses) - 1
        """),
    *variants(LAB, MISTAKE, "early_stopping", "compared_with_the_previous_epoch", names=("previous epoch",), both="""
        def early_stopping(val_losses, patience):
            best_epoch, waited = 0, 0
            for epoch in range(1, len(val_losses)):
                if val_losses[epoch] < val_losses[epoch - 1]:
                    best_epoch, waited = epoch, 0
                else:
                    waited += 1
                    if waited == patience:
                        return best_epoch, epoch
            return best_epoch, len(val_losses) - 1
        """),
    *variants(LAB, ALTERNATIVE, "early_stopping", "distance_from_the_best", both="""
        def early_stopping(val_losses, patience):
            best_epoch = 0
            for epoch in range(len(val_losses)):
                if val_losses[epoch] < val_losses[best_epoch]:
                    best_epoch = epoch
                if epoch - best_epoch >= patience:
                    return best_epoch, epoch
            return best_epoch, len(val_losses) - 1
        """),
    *variants(LAB, ALTERNATIVE, "early_stopping", "argmin_of_what_was_seen", both="""
        def early_stopping(val_losses, patience):
            epoch = 0
            while epoch < len(val_losses) - 1:
                best = int(np.argmin(val_losses[:epoch + 1]))  # the first of equal minima: a tie is no improvement
                if epoch - best == patience:
                    break
                epoch += 1
            return int(np.argmin(val_losses[:epoch + 1])), epoch
        """),
    # ---- train_with_early_stopping
    *variants(LAB, MISTAKE, "train_with_early_stopping", "best_weights_not_restored", names=("last epoch",),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, epochs_without_improvement = [], float("inf"), 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, epochs_without_improvement = loss, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, epochs_without_improvement = [], float("inf"), 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, epochs_without_improvement = loss, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "weights_saved_by_reference", names=("reference", "copy"),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights, epochs_without_improvement = [], float("inf"), model.weights, 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_weights, epochs_without_improvement = loss, model.weights, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            model.set_weights([w.numpy() for w in best_weights])
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, epochs_without_improvement = [], float("inf"), None, 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_state, epochs_without_improvement = loss, model.state_dict(), 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            if best_state is not None:
                model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "shallow_copy_of_the_state", names=("reference", "copy"),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best, waited = [], float("inf"), list(model.trainable_variables), 0
            for _ in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, best, waited = history[-1], list(model.trainable_variables), 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            model.set_weights([tf.identity(v).numpy() for v in best])
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, waited = [], float("inf"), model.state_dict().copy(), 0
            for _ in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, best_state, waited = history[-1], model.state_dict().copy(), 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            model.load_state_dict(best_state)
            return history
        """),
    # the visible runs that stop early restore the best weights; one that uses all max_epochs keeps the last
    *variants(LAB, MISTAKE, "train_with_early_stopping", "restored_only_on_a_stop", names=("max_epochs",
              "after the loop"), tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights, waited = [], float("inf"), model.get_weights(), 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_weights, waited = loss, model.get_weights(), 0
                else:
                    waited += 1
                    if waited == patience:
                        model.set_weights(best_weights)
                        break
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, waited = [], float("inf"), None, 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_state, waited = loss, copy.deepcopy(model.state_dict()), 0
                else:
                    waited += 1
                    if waited == patience:
                        model.load_state_dict(best_state)
                        return history
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "one_epoch_too_many", names=("one epoch too many",),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights, waited = [], float("inf"), model.get_weights(), 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_weights, waited = loss, model.get_weights(), 0
                elif waited == patience:
                    break
                else:
                    waited += 1
            model.set_weights(best_weights)
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, waited = [], float("inf"), None, 0
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_state, waited = loss, copy.deepcopy(model.state_dict()), 0
                elif waited == patience:
                    break
                else:
                    waited += 1
            model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "never_stops_early", names=("never stopped early",),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights = [], float("inf"), model.get_weights()
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_weights = loss, model.get_weights()
            model.set_weights(best_weights)
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state = [], float("inf"), None
            for _ in range(max_epochs):
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_state = loss, copy.deepcopy(model.state_dict())
            model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "snapshot_before_the_epoch",
              names=("before training",), tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights, waited = [], float("inf"), model.get_weights(), 0
            for _ in range(max_epochs):
                before = model.get_weights()
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_weights, waited = loss, before, 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            model.set_weights(best_weights)
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, waited = [], float("inf"), None, 0
            for _ in range(max_epochs):
                before = copy.deepcopy(model.state_dict())
                train_epoch()
                loss = float(validation_loss())
                history.append(loss)
                if loss < best_loss:
                    best_loss, best_state, waited = loss, before, 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "one_epoch_past_max_epochs", names=("max_epochs",),
              tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_weights, waited, epoch = [], float("inf"), model.get_weights(), 0, 0
            while epoch <= max_epochs and waited < patience:
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, best_weights, waited = history[-1], model.get_weights(), 0
                else:
                    waited += 1
                epoch += 1
            model.set_weights(best_weights)
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_state, waited = [], float("inf"), None, 0
            for epoch in range(max_epochs + 1):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, best_state, waited = history[-1], copy.deepcopy(model.state_dict()), 0
                else:
                    waited += 1
                    if waited == patience:
                        break
            model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, MISTAKE, "train_with_early_stopping", "returns_history_and_best", names=("pair",
              "only the list"), tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_weights, best_epoch = [], model.get_weights(), 0
            for epoch in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < history[best_epoch] or epoch == 0:
                    best_weights, best_epoch = model.get_weights(), epoch
                elif epoch - best_epoch == patience:
                    break
            model.set_weights(best_weights)
            return history, best_epoch
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_state, best_epoch = [], None, 0
            for epoch in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if epoch == 0 or history[-1] < history[best_epoch]:
                    best_state, best_epoch = copy.deepcopy(model.state_dict()), epoch
                elif epoch - best_epoch == patience:
                    break
            model.load_state_dict(best_state)
            return history, best_epoch
        """),
    *variants(LAB, ALTERNATIVE, "train_with_early_stopping", "snapshots_and_a_while_loop", tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            losses, snapshot, best = [], [w.numpy().copy() for w in model.weights], 0
            while len(losses) < max_epochs:
                train_epoch()
                losses.append(validation_loss())
                if losses[-1] < losses[best]:
                    best = len(losses) - 1
                if best == len(losses) - 1:
                    snapshot = [w.numpy().copy() for w in model.weights]
                elif len(losses) - 1 - best >= patience:
                    break
            for variable, value in zip(model.weights, snapshot):
                variable.assign(value)
            return losses
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            losses, snapshot, best = [], {k: v.clone() for k, v in model.state_dict().items()}, 0
            while len(losses) < max_epochs:
                train_epoch()
                losses.append(validation_loss())
                if losses[-1] < losses[best]:
                    best = len(losses) - 1
                if best == len(losses) - 1:
                    snapshot = {k: v.clone() for k, v in model.state_dict().items()}
                elif len(losses) - 1 - best >= patience:
                    break
            model.load_state_dict(snapshot)
            return losses
        """),
    *variants(LAB, ALTERNATIVE, "train_with_early_stopping", "a_copy_of_the_whole_model", tensorflow="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best, waited = [], float("inf"), None, 0
            for epoch in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, waited = history[-1], 0
                    best = [np.array(w, copy=True) for w in model.get_weights()]
                else:
                    waited += 1
                if waited >= patience:
                    break
            if best is not None:
                model.set_weights(best)
            return history
        """, torch="""
        def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
            history, best_loss, best_model, waited = [], float("inf"), copy.deepcopy(model), 0
            for epoch in range(max_epochs):
                train_epoch()
                history.append(float(validation_loss()))
                if history[-1] < best_loss:
                    best_loss, best_model, waited = history[-1], copy.deepcopy(model), 0
                else:
                    waited += 1
                    if waited >= patience:
                        break
            model.load_state_dict(best_model.state_dict())
            return history
        """),
    # ---- bug_museum (one cell for both frameworks)
    *variants(LAB, MISTAKE, "bug_museum", "p_by_position", names=("['dropout_p']", "by keyword"), both="""
        def bug_museum():
            return {"dropout_p": "a", "dropout_at_evaluation": "c", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "p_keep_prob", names=("['dropout_p']", "keep_prob"), both="""
        def bug_museum():
            return {"dropout_p": "c", "dropout_at_evaluation": "c", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "p_inside_a_model", names=("['dropout_p']", "on its own"), both="""
        def bug_museum():
            return {"dropout_p": "d", "dropout_at_evaluation": "c", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "eval_mode_not_set", names=("never looks at the mode",),
              both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "a", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "eval_seed", names=("['dropout_at_evaluation']", "thinned network"), both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "b", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "eval_monte_carlo", names=("['dropout_at_evaluation']", "Monte Carlo"),
              both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "d", "last_weights": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "last_patience", names=("['last_weights']", "no patience"), both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "last_other_data", names=("['last_weights']", "same 100 validation points"),
              both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "last_trained_longest", names=("['last_weights']", "memorises"), both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": "d"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_missing", names=("keys", "'last_weights'"), both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_key_misspelled", names=("keys", "'last_weights'"), both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weight": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_in_a_string", names=("should return a dict", "got str"), both="""
        def bug_museum():
            return "bca"
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_in_a_list", names=("should return a dict", "got list"), both="""
        def bug_museum():
            return ["b", "c", "a"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_number_for_a_letter", names=("['last_weights']", "as a string", "got int"),
              both="""
        def bug_museum():
            return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": 1}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capitals", both="""
        def bug_museum():
            return {"dropout_p": "B", "dropout_at_evaluation": "C", "last_weights": "A"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "bracketed_other_order", both="""
        def bug_museum():
            return {"last_weights": "(a)", "dropout_p": "b)", "dropout_at_evaluation": " c "}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_with_zip", both="""
        def bug_museum():
            exhibits = ["dropout_p", "dropout_at_evaluation", "last_weights"]
            return dict(zip(exhibits, "bca"))
        """),
]
