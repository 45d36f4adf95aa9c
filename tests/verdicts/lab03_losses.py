"""Lab 03, losses: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "03_losses"

VARIANTS = [
    # ---- empirical_loss
    *variants(LAB, MISTAKE, "empirical_loss", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.reduce_sum(per_example_losses)
        """, torch="""
        def empirical_loss(per_example_losses):
            return per_example_losses.sum()
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "divided_by_n_minus_1", names=("n - 1",), tensorflow="""
        def empirical_loss(per_example_losses):
            n = per_example_losses.shape[0]
            return tf.reduce_sum(per_example_losses) / (n - 1)
        """, torch="""
        def empirical_loss(per_example_losses):
            return per_example_losses.sum() / (len(per_example_losses) - 1)
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "largest_loss", names=("largest",), tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.reduce_max(per_example_losses)
        """, torch="""
        def empirical_loss(per_example_losses):
            return per_example_losses.max()
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "python_float", names=("float", "autograd"), tensorflow="""
        def empirical_loss(per_example_losses):
            return float(tf.reduce_mean(per_example_losses))
        """, torch="""
        def empirical_loss(per_example_losses):
            return per_example_losses.mean().item()
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "numpy_round_trip", names=("numpy", "autograd"), torch="""
        def empirical_loss(per_example_losses):
            return torch.tensor(np.mean(per_example_losses.numpy()))
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "numpy_round_trip", names=("numpy", "autograd"), tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.constant(np.mean(per_example_losses.numpy()))
        """),
    *variants(LAB, MISTAKE, "empirical_loss", "visible_answer_typed_in", names=("typed in",), tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.constant(0.9)
        """, torch="""
        def empirical_loss(per_example_losses):
            return torch.tensor(0.9)
        """),
    *variants(LAB, ALTERNATIVE, "empirical_loss", "sum_over_count", tensorflow="""
        def empirical_loss(per_example_losses):
            n = tf.cast(tf.size(per_example_losses), per_example_losses.dtype)
            return tf.reduce_sum(per_example_losses) / n
        """, torch="""
        def empirical_loss(per_example_losses):
            return torch.sum(per_example_losses) / per_example_losses.numel()
        """),
    *variants(LAB, ALTERNATIVE, "empirical_loss", "loop", tensorflow="""
        def empirical_loss(per_example_losses):
            total = 0.0
            for loss in per_example_losses:
                total = total + loss
            return total / len(per_example_losses)
        """, torch="""
        def empirical_loss(per_example_losses):
            total = 0.0
            for loss in per_example_losses:
                total = total + loss
            return total / len(per_example_losses)
        """),
    *variants(LAB, ALTERNATIVE, "empirical_loss", "mean_along_axis_0", tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.math.reduce_mean(per_example_losses, axis=0)
        """, torch="""
        def empirical_loss(per_example_losses):
            return torch.mean(per_example_losses, dim=0)
        """),
    # ---- binary_cross_entropy
    *variants(LAB, MISTAKE, "binary_cross_entropy", "not_clipped", names=("clip",), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return -tf.reduce_mean(y * tf.math.log(y_hat) + (1 - y) * tf.math.log(1 - y_hat))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "calls_the_framework_loss", names=("own",), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return tf.keras.losses.binary_crossentropy(y, y_hat)
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return F.binary_cross_entropy(y_hat, y)
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "loss_object_at_cell_level", names=("`bce`", "own"),
              tensorflow="""
        bce = tf.keras.losses.BinaryCrossentropy()


        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return bce(y, y_hat)
        """, torch="""
        bce = torch.nn.BCELoss()


        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return bce(torch.clamp(y_hat, eps, 1 - eps), y)
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "no_leading_minus", names=("minus",), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.clip_by_value(y_hat, eps, 1 - eps)
            return tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.clamp(y_hat, eps, 1 - eps)
            return (y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "only_the_positive_term", names=("(1 - y)",), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.clip_by_value(y_hat, eps, 1 - eps)
            return -tf.reduce_mean(y * tf.math.log(p))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.clamp(y_hat, eps, 1 - eps)
            return -(y * torch.log(p)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "labels_and_predictions_swapped", names=("swapped",),
              tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.clip_by_value(y, eps, 1 - eps)
            return -tf.reduce_mean(y_hat * tf.math.log(p) + (1 - y_hat) * tf.math.log(1 - p))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.clamp(y, eps, 1 - eps)
            return -(y_hat * torch.log(p) + (1 - y_hat) * torch.log(1 - p)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.clip_by_value(y_hat, eps, 1 - eps)
            return -tf.reduce_sum(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.clamp(y_hat, eps, 1 - eps)
            return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).sum()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "clamped_in_place", names=("in place",), torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            y_hat.clamp_(eps, 1 - eps)
            return -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "numpy_round_trip", names=("numpy", "autograd"),
              tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = np.clip(y_hat.numpy(), eps, 1 - eps)
            y = y.numpy()
            return tf.constant(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), dtype=tf.float32)
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "python_float", names=("float",), tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.clip_by_value(y_hat, eps, 1 - eps)
            return float(-tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p)))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.clamp(y_hat, eps, 1 - eps)
            return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean().item()
        """),
    *variants(LAB, ALTERNATIVE, "binary_cross_entropy", "probability_of_the_true_label", tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p_true = y * y_hat + (1 - y) * (1 - y_hat)
            return tf.reduce_mean(-tf.math.log(tf.clip_by_value(p_true, eps, 1.0)))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = y_hat.clamp(eps, 1 - eps)
            losses = torch.where(y == 1, -torch.log(p), -torch.log(1 - p))
            return losses.mean()
        """),
    *variants(LAB, ALTERNATIVE, "binary_cross_entropy", "minimum_and_maximum", tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = tf.minimum(tf.maximum(y_hat, eps), 1 - eps)
            losses = -(y * tf.math.log(p) + (1.0 - y) * tf.math.log(1.0 - p))
            return tf.reduce_sum(losses) / tf.cast(tf.shape(y)[0], tf.float32)
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            p = torch.minimum(torch.maximum(y_hat, torch.tensor(eps)), torch.tensor(1 - eps))
            return torch.mean(-y * torch.log(p) - (1 - y) * torch.log(1 - p))
        """),
    # ---- predict_sure_wrong_loss (one cell for both frameworks)
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "log_base_10", names=("log10",), both="""
        def predict_sure_wrong_loss():
            return 7.0
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "minus_sign_left_out", names=("minus sign",), both="""
        def predict_sure_wrong_loss():
            return -16.1
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "clipping_forgotten", names=("without clipping",), both="""
        def predict_sure_wrong_loss():
            return float("inf")
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "pytorch_cap", names=("caps each log",), both="""
        def predict_sure_wrong_loss():
            return 100
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "clipped_means_free", names=("sure right answer",), both="""
        def predict_sure_wrong_loss():
            return 0.0
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "coin_flip", names=("50/50",), both="""
        def predict_sure_wrong_loss():
            return np.log(2)
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "reciprocal_of_eps", names=("reciprocal",), both="""
        def predict_sure_wrong_loss():
            return 1 / 1e-7
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "far_off", names=("expected 16.1181", "got 15.0"), both="""
        def predict_sure_wrong_loss():
            return 15.0
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "a_string", names=("Python float", "str"), both="""
        def predict_sure_wrong_loss():
            return "16.1"
        """),
    *variants(LAB, MISTAKE, "predict_sure_wrong_loss", "a_tensor", names=("Python float", "convert"),
              tensorflow="""
        def predict_sure_wrong_loss():
            return tf.constant(16.1)
        """, torch="""
        def predict_sure_wrong_loss():
            return torch.tensor(16.1)
        """),
    *variants(LAB, ALTERNATIVE, "predict_sure_wrong_loss", "sixteen", both="""
        def predict_sure_wrong_loss():
            return 16
        """),
    *variants(LAB, ALTERNATIVE, "predict_sure_wrong_loss", "seven_ln_ten", both="""
        import math


        def predict_sure_wrong_loss():
            return 7 * math.log(10)
        """),
    *variants(LAB, ALTERNATIVE, "predict_sure_wrong_loss", "numpy_log", both="""
        def predict_sure_wrong_loss():
            return -np.log(EPSILON)
        """),
    # ---- bce_with_logits
    *variants(LAB, MISTAKE, "bce_with_logits", "sigmoid_then_bce", names=("sigmoid",), tensorflow="""
        def bce_with_logits(z, y):
            return binary_cross_entropy(tf.math.sigmoid(z), y)
        """, torch="""
        def bce_with_logits(z, y):
            return binary_cross_entropy(torch.sigmoid(z), y)
        """),
    # only the hidden tests try logits large enough for exp(z) to overflow
    *variants(LAB, HIDDEN_ONLY, "bce_with_logits", "exp_overflows", names=("overflow",), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.math.log(1 + tf.exp(z)) - z * y)
        """, torch="""
        def bce_with_logits(z, y):
            return (torch.log(1 + torch.exp(z)) - z * y).mean()
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "sign_of_zy_flipped", names=("sign",), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.maximum(z, 0.0) + z * y + tf.math.log1p(tf.exp(-tf.abs(z))))
        """, torch="""
        def bce_with_logits(z, y):
            return (torch.clamp(z, min=0) + z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "no_max_term", names=("max(z, 0)",), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(-z * y + tf.math.log1p(tf.exp(-tf.abs(z))))
        """, torch="""
        def bce_with_logits(z, y):
            return (-z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_sum(tf.maximum(z, 0.0) - z * y + tf.math.log1p(tf.exp(-tf.abs(z))))
        """, torch="""
        def bce_with_logits(z, y):
            return (torch.relu(z) - z * y + torch.log1p(torch.exp(-z.abs()))).sum()
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "absolute_value_left_out", names=("|z|",), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.maximum(z, 0.0) - z * y + tf.math.log1p(tf.exp(-z)))
        """, torch="""
        def bce_with_logits(z, y):
            return (torch.relu(z) - z * y + torch.log1p(torch.exp(-z))).mean()
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "calls_the_framework_loss", names=("own",), tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
        """, torch="""
        def bce_with_logits(z, y):
            return F.binary_cross_entropy_with_logits(z, y)
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "numpy_round_trip", names=("numpy", "autograd"), torch="""
        def bce_with_logits(z, y):
            z, y = z.numpy(), y.numpy()
            return torch.tensor(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        """),
    *variants(LAB, MISTAKE, "bce_with_logits", "numpy_round_trip", names=("numpy", "autograd"),
              tensorflow="""
        def bce_with_logits(z, y):
            z, y = z.numpy(), y.numpy()
            return tf.constant(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        """),
    *variants(LAB, ALTERNATIVE, "bce_with_logits", "softplus", tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.math.softplus(z) - z * y)
        """, torch="""
        def bce_with_logits(z, y):
            return torch.mean(F.softplus(z) - y * z)
        """),
    *variants(LAB, ALTERNATIVE, "bce_with_logits", "log_sigmoid_of_both_sides", tensorflow="""
        def bce_with_logits(z, y):
            return -tf.reduce_mean(y * tf.math.log_sigmoid(z) + (1 - y) * tf.math.log_sigmoid(-z))
        """, torch="""
        def bce_with_logits(z, y):
            return -(y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)).mean()
        """),
    # ---- softmax
    *variants(LAB, MISTAKE, "softmax", "maximum_not_subtracted", names=("maximum",), tensorflow="""
        def softmax(z):
            e = tf.exp(z)
            return e / tf.reduce_sum(e, axis=1, keepdims=True)
        """, torch="""
        def softmax(z):
            e = torch.exp(z)
            return e / e.sum(dim=1, keepdim=True)
        """),
    *variants(LAB, MISTAKE, "softmax", "calls_the_framework_softmax", names=("own",), tensorflow="""
        def softmax(z):
            return tf.nn.softmax(z, axis=1)
        """, torch="""
        def softmax(z):
            return F.softmax(z, dim=1)
        """),
    *variants(LAB, MISTAKE, "softmax", "framework_softmax_in_a_helper", names=("own",), tensorflow="""
        def probabilities(z):
            return tf.nn.softmax(z)


        def softmax(z):
            return probabilities(z)
        """, torch="""
        def probabilities(z):
            return torch.softmax(z, dim=-1)


        def softmax(z):
            return probabilities(z)
        """),
    *variants(LAB, MISTAKE, "softmax", "layer_at_cell_level", names=("`sm`", "own"),
              tensorflow="""
        sm = tf.keras.layers.Softmax()


        def softmax(z):
            return sm(z)
        """, torch="""
        sm = torch.nn.Softmax(dim=1)


        def softmax(z):
            return sm(z)
        """),
    *variants(LAB, MISTAKE, "softmax", "normalised_over_the_batch", names=("axis 0",), tensorflow="""
        def softmax(z):
            e = tf.exp(z - tf.reduce_max(z, axis=0, keepdims=True))
            return e / tf.reduce_sum(e, axis=0, keepdims=True)
        """, torch="""
        def softmax(z):
            e = torch.exp(z - z.max(dim=0, keepdim=True).values)
            return e / e.sum(dim=0, keepdim=True)
        """),
    *variants(LAB, MISTAKE, "softmax", "divided_by_the_total", names=("whole matrix",), tensorflow="""
        def softmax(z):
            e = tf.exp(z - tf.reduce_max(z))
            return e / tf.reduce_sum(e)
        """, torch="""
        def softmax(z):
            e = torch.exp(z - z.max())
            return e / e.sum()
        """),
    # the visible large logits share one maximum; the hidden ones have rows far below the matrix's maximum
    *variants(LAB, HIDDEN_ONLY, "softmax", "maximum_of_the_whole_matrix", names=("each row's maximum",),
              tensorflow="""
        def softmax(z):
            e = tf.exp(z - tf.reduce_max(z))
            return e / tf.reduce_sum(e, axis=1, keepdims=True)
        """, torch="""
        def softmax(z):
            e = torch.exp(z - z.max())
            return e / e.sum(dim=1, keepdim=True)
        """),
    *variants(LAB, MISTAKE, "softmax", "numpy_round_trip", names=("numpy", "autograd"), torch="""
        def softmax(z):
            e = np.exp(z.numpy() - z.numpy().max(axis=1, keepdims=True))
            return torch.from_numpy(e / e.sum(axis=1, keepdims=True))
        """),
    *variants(LAB, MISTAKE, "softmax", "numpy_round_trip", names=("numpy", "autograd"),
              tensorflow="""
        def softmax(z):
            e = np.exp(z.numpy() - z.numpy().max(axis=1, keepdims=True))
            return tf.constant(e / e.sum(axis=1, keepdims=True))
        """),
    *variants(LAB, ALTERNATIVE, "softmax", "minus_logsumexp", tensorflow="""
        def softmax(z):
            return tf.exp(z - tf.reduce_logsumexp(z, axis=1, keepdims=True))
        """, torch="""
        def softmax(z):
            return torch.exp(z - torch.logsumexp(z, dim=1, keepdim=True))
        """),
    *variants(LAB, ALTERNATIVE, "softmax", "row_by_row", tensorflow="""
        def softmax(z):
            rows = []
            for row in z:
                e = tf.exp(row - tf.reduce_max(row))
                rows.append(e / tf.reduce_sum(e))
            return tf.stack(rows)
        """, torch="""
        def softmax(z):
            rows = []
            for row in z:
                e = torch.exp(row - row.max())
                rows.append(e / e.sum())
            return torch.stack(rows)
        """),
    # ---- softmax_cross_entropy
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "log_of_the_softmax", names=("underflow",), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes, dtype=tf.float32)


        def softmax_cross_entropy(logits, labels):
            p = softmax(logits)
            return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * tf.math.log(p), axis=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            p = softmax(logits)
            return -(one_hot(labels, logits.shape[1]) * torch.log(p)).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "one_hot_of_integers", names=("integers", "float32"),
              tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes, on_value=1, off_value=0)


        def softmax_cross_entropy(logits, labels):
            log_p = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
            picked = tf.reduce_sum(tf.cast(one_hot(labels, logits.shape[1]), tf.float32) * log_p, axis=1)
            return -tf.reduce_mean(picked)
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
            return -(one_hot(labels, logits.shape[1]) * log_p).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "no_leading_minus", names=("minus",), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            log_p = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
            return tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * log_p, axis=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
            return (one_hot(labels, logits.shape[1]) * log_p).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "raw_logit_of_the_label", names=("raw logit",), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * logits, axis=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            return -(one_hot(labels, logits.shape[1]) * logits).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            log_p = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
            return -tf.reduce_sum(one_hot(labels, logits.shape[1]) * log_p)
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
            return -(one_hot(labels, logits.shape[1]) * log_p).sum()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "calls_the_framework_loss", names=("own",), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            return F.cross_entropy(logits, labels)
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "loss_object_at_cell_level", names=("`ce`", "own"),
              tensorflow="""
        ce = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            return ce(labels, logits)
        """, torch="""
        ce = torch.nn.CrossEntropyLoss()


        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            return ce(logits, labels)
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "log_of_a_clipped_softmax", names=("clipped",), tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            p = tf.clip_by_value(softmax(logits), EPSILON, 1.0)
            return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * tf.math.log(p), axis=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            p = softmax(logits).clamp(EPSILON, 1.0)
            return -(one_hot(labels, logits.shape[1]) * torch.log(p)).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "normalised_over_the_batch", names=("batch axis",),
              tensorflow="""
        def one_hot(labels, num_classes):
            return tf.one_hot(labels, num_classes)


        def softmax_cross_entropy(logits, labels):
            log_p = logits - tf.reduce_logsumexp(logits, axis=0, keepdims=True)
            return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * log_p, axis=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return F.one_hot(labels, num_classes).float()


        def softmax_cross_entropy(logits, labels):
            log_p = logits - torch.logsumexp(logits, dim=0, keepdim=True)
            return -(one_hot(labels, logits.shape[1]) * log_p).sum(dim=1).mean()
        """),
    *variants(LAB, ALTERNATIVE, "softmax_cross_entropy", "logsumexp_and_comparison", tensorflow="""
        def one_hot(labels, num_classes):
            classes = tf.range(num_classes)[None, :]
            return tf.cast(classes == tf.cast(labels, tf.int32)[:, None], tf.float32)


        def softmax_cross_entropy(logits, labels):
            picked = tf.reduce_sum(one_hot(labels, logits.shape[1]) * logits, axis=1)
            return tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - picked)
        """, torch="""
        def one_hot(labels, num_classes):
            return (torch.arange(num_classes)[None, :] == labels[:, None]).float()


        def softmax_cross_entropy(logits, labels):
            picked = logits.gather(1, labels[:, None])[:, 0]
            return (torch.logsumexp(logits, dim=1) - picked).mean()
        """),
    *variants(LAB, ALTERNATIVE, "softmax_cross_entropy", "rows_of_the_identity", tensorflow="""
        def one_hot(labels, num_classes):
            return tf.gather(tf.eye(num_classes), labels)


        def softmax_cross_entropy(logits, labels):
            shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
            log_p = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
            return -tf.reduce_mean(tf.gather(log_p, labels, batch_dims=1))
        """, torch="""
        def one_hot(labels, num_classes):
            return torch.eye(num_classes)[labels]


        def softmax_cross_entropy(logits, labels):
            shifted = logits - logits.max(dim=1, keepdim=True).values
            log_p = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
            return -log_p[torch.arange(len(labels)), labels].mean()
        """),
    # ---- framework_cross_entropy
    *variants(LAB, MISTAKE, "framework_cross_entropy", "probabilities_as_logits", names=("probabilities",),
              tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            probabilities = tf.nn.softmax(logits)
            return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=probabilities))
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.cross_entropy(F.softmax(logits, dim=1), labels)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "keras_default_from_logits", names=("from_logits",),
              tensorflow="""
        def framework_cross_entropy(logits, labels):
            return tf.keras.losses.SparseCategoricalCrossentropy()(labels, logits)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "no_mean", names=("one loss per example",), tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            return tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits)
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.cross_entropy(logits, labels, reduction="none")
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            return tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.cross_entropy(logits, labels, reduction="sum")
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "labels_and_logits_swapped", names=("swapped",),
              tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits, targets))
        """, torch="""
        def framework_cross_entropy(logits, labels):
            targets = F.one_hot(labels, logits.shape[1]).float()
            return F.cross_entropy(targets, logits)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "nll_of_raw_logits", names=("negative log-likelihood",),
              torch="""
        def framework_cross_entropy(logits, labels):
            return F.nll_loss(logits, labels)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "keras_function_of_logits", names=("from_logits",),
              tensorflow="""
        def framework_cross_entropy(logits, labels):
            return tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, logits))
        """),
    # moderate logits give the same numbers; the hidden ones (scale 50) make a softmax probability 0
    *variants(LAB, HIDDEN_ONLY, "framework_cross_entropy", "log_of_the_softmax", names=("log(0)",), tensorflow="""
        def framework_cross_entropy(logits, labels):
            p = tf.gather(tf.nn.softmax(logits), labels, batch_dims=1)
            return -tf.reduce_mean(tf.math.log(p))
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.nll_loss(torch.log(F.softmax(logits, dim=1)), labels)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "python_float", names=("float",), tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits)).numpy()
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.cross_entropy(logits, labels).item()
        """),
    *variants(LAB, ALTERNATIVE, "framework_cross_entropy", "keras_loss_or_nll", tensorflow="""
        def framework_cross_entropy(logits, labels):
            loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            return loss(labels, logits)
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.nll_loss(F.log_softmax(logits, dim=1), labels)
        """),
    *variants(LAB, ALTERNATIVE, "framework_cross_entropy", "sparse_or_one_hot_targets", tensorflow="""
        def framework_cross_entropy(logits, labels):
            losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            return tf.reduce_mean(losses)
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return torch.nn.CrossEntropyLoss()(logits, F.one_hot(labels, logits.shape[1]).float())
        """),
    # ---- mean_squared_error
    *variants(LAB, MISTAKE, "mean_squared_error", "root_taken", names=("root",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.sqrt(tf.reduce_mean(tf.square(y - y_hat)))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return torch.sqrt(((y - y_hat) ** 2).mean())
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "calls_the_framework_loss", names=("own",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(tf.keras.losses.MSE(y, y_hat))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return F.mse_loss(y_hat, y)
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "loss_object_at_cell_level", names=("`mse`", "own"),
              tensorflow="""
        mse = tf.keras.losses.MeanSquaredError()


        def mean_squared_error(y_hat, y):
            return mse(y, y_hat)
        """, torch="""
        mse = torch.nn.MSELoss()


        def mean_squared_error(y_hat, y):
            return mse(y_hat, y)
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "not_squared", names=("not squared",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(y_hat - y)
        """, torch="""
        def mean_squared_error(y_hat, y):
            return (y_hat - y).mean()
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "absolute_error", names=("absolute",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(tf.abs(y - y_hat))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return (y - y_hat).abs().mean()
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "square_of_the_mean", names=("square of the mean",),
              tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.square(tf.reduce_mean(y - y_hat))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return (y - y_hat).mean() ** 2
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "mean_over_the_last_axis", names=("last axis",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(tf.square(y - y_hat), axis=-1)
        """, torch="""
        def mean_squared_error(y_hat, y):
            return ((y - y_hat) ** 2).mean(dim=-1)
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "targets_as_a_column", names=("column", "broadcast"),
              tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(tf.square(y_hat - tf.reshape(y, (-1, 1))))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return ((y_hat - y.reshape(-1, 1)) ** 2).mean()
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "python_float", names=("float",), tensorflow="""
        def mean_squared_error(y_hat, y):
            return float(tf.reduce_mean((y - y_hat) ** 2))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return ((y - y_hat) ** 2).mean().item()
        """),
    *variants(LAB, ALTERNATIVE, "mean_squared_error", "product_over_count", tensorflow="""
        def mean_squared_error(y_hat, y):
            d = y_hat - y
            return tf.reduce_sum(d * d) / tf.cast(tf.size(d), d.dtype)
        """, torch="""
        def mean_squared_error(y_hat, y):
            d = y_hat - y
            return (d * d).sum() / d.numel()
        """),
    *variants(LAB, ALTERNATIVE, "mean_squared_error", "flattened_dot_product", tensorflow="""
        def mean_squared_error(y_hat, y):
            d = tf.reshape(y_hat - y, [-1])
            return tf.tensordot(d, d, axes=1) / d.shape[0]
        """, torch="""
        def mean_squared_error(y_hat, y):
            d = (y_hat - y).flatten()
            return torch.dot(d, d) / d.shape[0]
        """),
    # ---- loss_for_task (one cell for both frameworks)
    *variants(LAB, MISTAKE, "loss_for_task", "probability_loss_for_the_logit", names=("from logits",), both="""
        def loss_for_task(task):
            if task in ("pass_probability", "pass_logit"):
                return "binary_cross_entropy"
            if task == "letter_grade":
                return "softmax_cross_entropy"
            return "mean_squared_error"
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "softmax_for_one_probability", names=("binary cross-entropy",),
              both="""
        def loss_for_task(task):
            return {"pass_probability": "softmax_cross_entropy", "pass_logit": "bce_with_logits",
                    "final_grade": "mean_squared_error", "letter_grade": "softmax_cross_entropy",
                    "hours_needed": "mean_squared_error"}[task]
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "percent_as_classes", names=("regression",), both="""
        def loss_for_task(task):
            return {"pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits",
                    "final_grade": "softmax_cross_entropy", "letter_grade": "softmax_cross_entropy",
                    "hours_needed": "mean_squared_error"}[task]
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "binary_loss_for_five_classes", names=("multi-class",), both="""
        def loss_for_task(task):
            return {"pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits",
                    "final_grade": "mean_squared_error", "letter_grade": "binary_cross_entropy",
                    "hours_needed": "mean_squared_error"}[task]
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "short_name", names=("not one of the lab's losses",), both="""
        def loss_for_task(task):
            return {"pass_probability": "bce", "pass_logit": "bce_with_logits", "final_grade": "mse",
                    "letter_grade": "softmax_cross_entropy", "hours_needed": "mse"}[task]
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "a_task_left_out", names=("hours_needed",), both="""
        def loss_for_task(task):
            return {"pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits",
                    "final_grade": "mean_squared_error", "letter_grade": "softmax_cross_entropy"}[task]
        """),
    *variants(LAB, MISTAKE, "loss_for_task", "logit_and_probability_swapped", names=("raw logits", "probabilities"), both="""
        def loss_for_task(task):
            return {"pass_probability": "bce_with_logits", "pass_logit": "binary_cross_entropy",
                    "final_grade": "mean_squared_error", "letter_grade": "softmax_cross_entropy",
                    "hours_needed": "mean_squared_error"}[task]
        """),
    *variants(LAB, ALTERNATIVE, "loss_for_task", "if_chain", both="""
        def loss_for_task(task):
            if task == "pass_probability":
                return "binary_cross_entropy"
            elif task == "pass_logit":
                return "bce_with_logits"
            elif task == "letter_grade":
                return "softmax_cross_entropy"
            else:
                return "mean_squared_error"
        """),
    # the check accepts the loss function itself ("a function is fine too"); grading once could not read its name
    *variants(LAB, ALTERNATIVE, "loss_for_task", "returns_the_functions", both="""
        def loss_for_task(task):
            return {
                "pass_probability": binary_cross_entropy,
                "pass_logit": bce_with_logits,
                "final_grade": mean_squared_error,
                "letter_grade": softmax_cross_entropy,
                "hours_needed": mean_squared_error,
            }[task]
        """),
    *variants(LAB, ALTERNATIVE, "loss_for_task", "framework_loss_for_the_letters", both="""
        def loss_for_task(task):
            regression = ("final_grade", "hours_needed")
            if task in regression:
                return "mean_squared_error"
            return {"pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits",
                    "letter_grade": "framework_cross_entropy"}[task]
        """),
    # ---- bug_museum (one cell for both frameworks)
    *variants(LAB, MISTAKE, "bug_museum", "single_logit_perfect_model", names=("['single_logit']", "0.36"),
              both="""
        def bug_museum():
            return {"single_logit": "a", "probabilities_as_logits": "c", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "single_logit_overflow", names=("overflow",), both="""
        def bug_museum():
            return {"single_logit": "c", "probabilities_as_logits": "c", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "single_logit_labels_unread", names=("float labels",), both="""
        def bug_museum():
            return {"single_logit": "d", "probabilities_as_logits": "c", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "probabilities_not_sure_enough", names=("0.0002",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "a", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "probabilities_ln_5", names=("uniform guess",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "b", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "probabilities_one_hot", names=("class indices",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "d", "swapped_arguments": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "swapped_untrained_that_bad", names=("ln 2",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "c", "swapped_arguments": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "swapped_order_irrelevant", names=("symmetric",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "c", "swapped_arguments": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "swapped_wants_logits", names=("takes probabilities",), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "c", "swapped_arguments": "d"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_left_out", names=("keys", "swapped_arguments"), both="""
        def bug_museum():
            return {"single_logit": "b", "probabilities_as_logits": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_list_of_letters", names=("dict", "got list"), both="""
        def bug_museum():
            return ["b", "c", "a"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_number_for_a_letter", names=("as a string", "got int"), both="""
        def bug_museum():
            return {"single_logit": 2, "probabilities_as_logits": 3, "swapped_arguments": 1}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_word_for_a_letter", names=("one of the letters",), both="""
        def bug_museum():
            return {"single_logit": "softmax", "probabilities_as_logits": "c", "swapped_arguments": "a"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capital_letters", both="""
        def bug_museum():
            return {"single_logit": "B", "probabilities_as_logits": "C", "swapped_arguments": "A"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "brackets_and_another_order", both="""
        def bug_museum():
            return {"swapped_arguments": "(a)", "single_logit": "b)", "probabilities_as_logits": " c "}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_with_dict", both="""
        def bug_museum():
            answers = dict(single_logit="b", probabilities_as_logits="c")
            answers["swapped_arguments"] = "a"
            return answers
        """),
]
