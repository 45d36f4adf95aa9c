"""Lab 03, losses: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "03_losses"

VARIANTS = [
    # ---- empirical_loss
    *variants(LAB, MISTAKE, "empirical_loss", "sum_not_mean", tensorflow="""
        def empirical_loss(per_example_losses):
            return tf.reduce_sum(per_example_losses)
        """, torch="""
        def empirical_loss(per_example_losses):
            return per_example_losses.sum()
        """),
    *variants(LAB, ALTERNATIVE, "empirical_loss", "sum_over_count", tensorflow="""
        def empirical_loss(per_example_losses):
            n = tf.cast(tf.size(per_example_losses), per_example_losses.dtype)
            return tf.reduce_sum(per_example_losses) / n
        """, torch="""
        def empirical_loss(per_example_losses):
            return torch.sum(per_example_losses) / per_example_losses.numel()
        """),
    # ---- binary_cross_entropy
    *variants(LAB, MISTAKE, "binary_cross_entropy", "not_clipped", tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return -tf.reduce_mean(y * tf.math.log(y_hat) + (1 - y) * tf.math.log(1 - y_hat))
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()
        """),
    *variants(LAB, MISTAKE, "binary_cross_entropy", "calls_the_framework_loss", tensorflow="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return tf.keras.losses.binary_crossentropy(y, y_hat)
        """, torch="""
        def binary_cross_entropy(y_hat, y, eps=EPSILON):
            return F.binary_cross_entropy(y_hat, y)
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
    # ---- bce_with_logits
    *variants(LAB, MISTAKE, "bce_with_logits", "sigmoid_then_bce", tensorflow="""
        def bce_with_logits(z, y):
            return binary_cross_entropy(tf.math.sigmoid(z), y)
        """, torch="""
        def bce_with_logits(z, y):
            return binary_cross_entropy(torch.sigmoid(z), y)
        """),
    # only the hidden tests try logits large enough for exp(z) to overflow
    *variants(LAB, HIDDEN_ONLY, "bce_with_logits", "exp_overflows", tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.math.log(1 + tf.exp(z)) - z * y)
        """, torch="""
        def bce_with_logits(z, y):
            return (torch.log(1 + torch.exp(z)) - z * y).mean()
        """),
    *variants(LAB, ALTERNATIVE, "bce_with_logits", "softplus", tensorflow="""
        def bce_with_logits(z, y):
            return tf.reduce_mean(tf.math.softplus(z) - z * y)
        """, torch="""
        def bce_with_logits(z, y):
            return torch.mean(F.softplus(z) - y * z)
        """),
    # ---- softmax
    *variants(LAB, MISTAKE, "softmax", "maximum_not_subtracted", tensorflow="""
        def softmax(z):
            e = tf.exp(z)
            return e / tf.reduce_sum(e, axis=1, keepdims=True)
        """, torch="""
        def softmax(z):
            e = torch.exp(z)
            return e / e.sum(dim=1, keepdim=True)
        """),
    *variants(LAB, MISTAKE, "softmax", "calls_the_framework_softmax", tensorflow="""
        def softmax(z):
            return tf.nn.softmax(z, axis=1)
        """, torch="""
        def softmax(z):
            return F.softmax(z, dim=1)
        """),
    *variants(LAB, ALTERNATIVE, "softmax", "minus_logsumexp", tensorflow="""
        def softmax(z):
            return tf.exp(z - tf.reduce_logsumexp(z, axis=1, keepdims=True))
        """, torch="""
        def softmax(z):
            return torch.exp(z - torch.logsumexp(z, dim=1, keepdim=True))
        """),
    # ---- softmax_cross_entropy
    *variants(LAB, MISTAKE, "softmax_cross_entropy", "log_of_the_softmax", tensorflow="""
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
    # ---- framework_cross_entropy
    *variants(LAB, MISTAKE, "framework_cross_entropy", "probabilities_as_logits", tensorflow="""
        def framework_cross_entropy(logits, labels):
            targets = tf.one_hot(labels, logits.shape[1])
            probabilities = tf.nn.softmax(logits)
            return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=probabilities))
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.cross_entropy(F.softmax(logits, dim=1), labels)
        """),
    *variants(LAB, MISTAKE, "framework_cross_entropy", "keras_default_from_logits", tensorflow="""
        def framework_cross_entropy(logits, labels):
            return tf.keras.losses.SparseCategoricalCrossentropy()(labels, logits)
        """),
    *variants(LAB, ALTERNATIVE, "framework_cross_entropy", "keras_loss_or_nll", tensorflow="""
        def framework_cross_entropy(logits, labels):
            loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            return loss(labels, logits)
        """, torch="""
        def framework_cross_entropy(logits, labels):
            return F.nll_loss(F.log_softmax(logits, dim=1), labels)
        """),
    # ---- mean_squared_error
    *variants(LAB, MISTAKE, "mean_squared_error", "root_taken", tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.sqrt(tf.reduce_mean(tf.square(y - y_hat)))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return torch.sqrt(((y - y_hat) ** 2).mean())
        """),
    *variants(LAB, MISTAKE, "mean_squared_error", "calls_the_framework_loss", tensorflow="""
        def mean_squared_error(y_hat, y):
            return tf.reduce_mean(tf.keras.losses.MSE(y, y_hat))
        """, torch="""
        def mean_squared_error(y_hat, y):
            return F.mse_loss(y_hat, y)
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
    # ---- loss_for_task (one cell for both frameworks)
    *variants(LAB, MISTAKE, "loss_for_task", "probability_loss_for_the_logit", both="""
        def loss_for_task(task):
            if task in ("pass_probability", "pass_logit"):
                return "binary_cross_entropy"
            if task == "letter_grade":
                return "softmax_cross_entropy"
            return "mean_squared_error"
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
]
