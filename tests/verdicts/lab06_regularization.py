"""Lab 06, regularization: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "06_regularization"


VARIANTS = [
    # ---- polynomial_features
    *variants(LAB, MISTAKE, "polynomial_features", "highest_power_first", tensorflow="""
        def polynomial_features(x, degree):
            return tf.stack([x**k for k in range(degree, -1, -1)], axis=1)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.vander(x, N=degree + 1)
        """),
    # the visible x is float32, so only the hidden tests (float64 x) see the cast
    *variants(LAB, HIDDEN_ONLY, "polynomial_features", "cast_to_float32", tensorflow="""
        def polynomial_features(x, degree):
            return tf.cast(tf.stack([x**k for k in range(degree + 1)], axis=1), tf.float32)
        """, torch="""
        def polynomial_features(x, degree):
            return torch.stack([x**k for k in range(degree + 1)], dim=1).float()
        """),
    *variants(LAB, ALTERNATIVE, "polynomial_features", "broadcast_powers", tensorflow="""
        def polynomial_features(x, degree):
            powers = tf.range(degree + 1, dtype=x.dtype)
            return tf.pow(x[:, None], powers[None, :])
        """, torch="""
        def polynomial_features(x, degree):
            return torch.vander(x, N=degree + 1, increasing=True)
        """),
    # ---- fit
    *variants(LAB, MISTAKE, "fit", "weights_as_a_column", tensorflow="""
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
    # ---- dropout
    *variants(LAB, MISTAKE, "dropout", "not_scaled", tensorflow="""
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
    *variants(LAB, MISTAKE, "dropout", "the_frameworks_dropout", tensorflow="""
        def dropout(x, p, training=True):
            return tf.nn.dropout(x, rate=p) if training else x
        """, torch="""
        def dropout(x, p, training=True):
            return torch.nn.functional.dropout(x, p, training)
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
    # ---- dropout_layer
    *variants(LAB, MISTAKE, "dropout_layer", "always_dropping", tensorflow="""
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
    *variants(LAB, MISTAKE, "dropout_layer", "never_dropping", tensorflow="""
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
    # ---- early_stopping (one cell for both frameworks)
    *variants(LAB, MISTAKE, "early_stopping", "a_tie_counts_as_improvement", both="""
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
    # ---- train_with_early_stopping
    *variants(LAB, MISTAKE, "train_with_early_stopping", "best_weights_not_restored", tensorflow="""
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
    *variants(LAB, MISTAKE, "train_with_early_stopping", "weights_saved_by_reference", tensorflow="""
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
]
