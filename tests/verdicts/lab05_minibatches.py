"""Lab 05, mini-batches: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "05_minibatches"

BATCH_GRADIENT = [
    *variants(LAB, MISTAKE, "batch_gradient", "tape_not_watching", names=("watch",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(per_example_loss(W, b, X, y))
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """),
    # the caller's own tensors made leaves, .grad read and never zeroed: the second call with the same tensors
    # gets twice the gradient (the check calls twice; grading once sent fresh tensors on every call)
    *variants(LAB, MISTAKE, "batch_gradient", "grad_adds_up_on_the_callers_tensors", names=("zero", "grad"),
              torch="""
        def batch_gradient(W, b, X, y):
            W.requires_grad_(True)
            b.requires_grad_(True)
            loss = per_example_loss(W, b, X, y).mean()
            loss.backward()
            return W.grad, b.grad
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "loss_summed", names=("sum", "mean"), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                loss = tf.reduce_sum(per_example_loss(W, b, X, y))
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            loss = per_example_loss(W, b, X, y).sum()
            dW, db = torch.autograd.grad(loss, [W, b])
            return dW, db
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "descent_direction_returned", names=("minus|sign",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                loss = tf.reduce_mean(per_example_loss(W, b, X, y))
            dW, db = tape.gradient(loss, [W, b])
            return -dW, -db  # the way downhill
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            loss = per_example_loss(W, b, X, y).mean()
            dW, db = torch.autograd.grad(loss, [W, b])
            return -dW, -db  # the way downhill
        """),
    # the loss written out by hand with its leading minus sign forgotten
    *variants(LAB, MISTAKE, "batch_gradient", "own_loss_without_its_minus", names=("minus|sign",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                p = tf.math.sigmoid(tf.linalg.matvec(X, W) + b)
                loss = tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            p = torch.sigmoid(X @ W + b)
            loss = (y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
            dW, db = torch.autograd.grad(loss, [W, b])
            return dW, db
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "loss_through_numpy", names=("numpy",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                loss = np.mean(per_example_loss(W, b, X, y).numpy())
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            loss = torch.tensor(np.mean(per_example_loss(W, b, X, y).detach().numpy()), requires_grad=True)
            loss.backward()
            return W.grad, b.grad
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "loss_outside_the_tape", names=("outside|inside",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
            loss = tf.reduce_mean(per_example_loss(W, b, X, y))
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "no_mean_at_all", names=("mean|scalar",), tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                losses = per_example_loss(W, b, X, y)
            dW, db = tape.gradient(losses, [W, b])
            return dW, db
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            losses = per_example_loss(W, b, X, y)
            losses.backward(torch.ones_like(losses))
            return W.grad, b.grad
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "gradient_by_hand_in_numpy", names=("numpy",), tensorflow="""
        def batch_gradient(W, b, X, y):
            X, y, W, b = X.numpy(), y.numpy(), W.numpy(), b.numpy()
            residual = 1 / (1 + np.exp(-(X @ W + b))) - y
            return X.T @ residual / len(y), residual.mean()
        """, torch="""
        def batch_gradient(W, b, X, y):
            X, y, W, b = X.numpy(), y.numpy(), W.numpy(), b.numpy()
            residual = 1 / (1 + np.exp(-(X @ W + b))) - y
            return X.T @ residual / len(y), residual.mean()
        """),
    *variants(LAB, MISTAKE, "batch_gradient", "grad_of_a_copy_without_requires_grad", names=("requires_grad",),
              torch="""
        def batch_gradient(W, b, X, y):
            W, b = W.clone(), b.clone()
            loss = per_example_loss(W, b, X, y).mean()
            dW, db = torch.autograd.grad(loss, [W, b])
            return dW, db
        """),
    *variants(LAB, ALTERNATIVE, "batch_gradient", "closed_form", tensorflow="""
        def batch_gradient(W, b, X, y):
            residual = tf.math.sigmoid(tf.linalg.matvec(X, W) + b) - y
            n = tf.cast(tf.shape(X)[0], X.dtype)
            return tf.reduce_sum(X * residual[:, None], axis=0) / n, tf.reduce_sum(residual) / n
        """, torch="""
        def batch_gradient(W, b, X, y):
            residual = torch.sigmoid(X @ W + b) - y
            return X.T @ residual / len(y), residual.mean()
        """),
    *variants(LAB, ALTERNATIVE, "batch_gradient", "copies_that_train", tensorflow="""
        def batch_gradient(W, b, X, y):
            W, b = tf.Variable(W), tf.Variable(b)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(per_example_loss(W, b, X, y))
            return tuple(tape.gradient(loss, [W, b]))
        """, torch="""
        def batch_gradient(W, b, X, y):
            W = W.clone().requires_grad_(True)
            b = b.clone().requires_grad_(True)
            per_example_loss(W, b, X, y).mean().backward()
            return W.grad, b.grad
        """),
    *variants(LAB, ALTERNATIVE, "batch_gradient", "sum_divided_by_n", tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                tape.watch(W)
                tape.watch(b)
                loss = tf.reduce_sum(per_example_loss(W, b, X, y)) / X.shape[0]
            grads = tape.gradient(loss, {"W": W, "b": b})
            return grads["W"], grads["b"]
        """, torch="""
        def batch_gradient(W, b, X, y):
            def J(W, b):
                return per_example_loss(W, b, X, y).sum() / len(y)

            return torch.func.grad(J, argnums=(0, 1))(W, b)
        """),
]

PER_EXAMPLE_GRADIENTS = [
    *variants(LAB, MISTAKE, "per_example_gradients", "the_batch_gradient_repeated", names=("whole batch",),
              tensorflow="""
        def per_example_gradients(W, b, X, y):
            dW, db = batch_gradient(W, b, X, y)
            n = X.shape[0]
            return tf.stack([dW] * n), tf.stack([db] * n)
        """, torch="""
        def per_example_gradients(W, b, X, y):
            dW, db = batch_gradient(W, b, X, y)
            n = X.shape[0]
            return torch.stack([dW] * n), torch.stack([db] * n)
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "grad_never_zeroed", names=("zero",), torch="""
        def per_example_gradients(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            rows_W, rows_b = [], []
            for i in range(X.shape[0]):
                per_example_loss(W, b, X[i:i + 1], y[i:i + 1]).mean().backward()
                rows_W.append(W.grad.clone())
                rows_b.append(b.grad.clone())
            return torch.stack(rows_W), torch.stack(rows_b)
        """),
    # .grad appended itself, never zeroed and never copied: every row is one tensor, the sum of them all
    *variants(LAB, MISTAKE, "per_example_gradients", "grad_appended_uncopied", names=("same tensor", "copy|clone"),
              torch="""
        def per_example_gradients(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            rows_W, rows_b = [], []
            for i in range(X.shape[0]):
                per_example_loss(W, b, X[i:i + 1], y[i:i + 1]).mean().backward()
                rows_W.append(W.grad)
                rows_b.append(b.grad)
            return torch.stack(rows_W), torch.stack(rows_b)
        """),
    # zeroed for every example, but .grad appended without a copy: every row is the last example's gradient
    *variants(LAB, MISTAKE, "per_example_gradients", "grad_zeroed_but_not_copied", names=("last example", "clone|copy"),
              torch="""
        def per_example_gradients(W, b, X, y):
            W = W.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            rows_W, rows_b = [], []
            for i in range(X.shape[0]):
                if W.grad is not None:
                    W.grad.zero_()
                    b.grad.zero_()
                per_example_loss(W, b, X[i:i + 1], y[i:i + 1]).mean().backward()
                rows_W.append(W.grad)
                rows_b.append(b.grad)
            return torch.stack(rows_W), torch.stack(rows_b)
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "divided_by_n", names=("divided by n",), tensorflow="""
        def per_example_gradients(W, b, X, y):
            n = X.shape[0]
            rows_W, rows_b = [], []
            for i in range(n):
                dW, db = batch_gradient(W, b, X[i:i + 1], y[i:i + 1])
                rows_W.append(dW / n)  # each example's share of the mean
                rows_b.append(db / n)
            return tf.stack(rows_W), tf.stack(rows_b)
        """, torch="""
        def per_example_gradients(W, b, X, y):
            n = X.shape[0]
            rows_W, rows_b = [], []
            for i in range(n):
                dW, db = batch_gradient(W, b, X[i:i + 1], y[i:i + 1])
                rows_W.append(dW / n)  # each example's share of the mean
                rows_b.append(db / n)
            return torch.stack(rows_W), torch.stack(rows_b)
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "stacked_along_the_wrong_axis", names=("axis",), tensorflow="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
            return tf.stack([dW for dW, _ in grads], axis=1), tf.stack([db for _, db in grads])
        """, torch="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
            return torch.stack([dW for dW, _ in grads], dim=1), torch.stack([db for _, db in grads])
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "last_example_skipped", names=("last",), tensorflow="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0] - 1)]
            return tf.stack([dW for dW, _ in grads]), tf.stack([db for _, db in grads])
        """, torch="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0] - 1)]
            return torch.stack([dW for dW, _ in grads]), torch.stack([db for _, db in grads])
        """),
    # TensorFlow: the gradient of a vector of losses is the gradient of their sum, one (d,) vector
    *variants(LAB, MISTAKE, "per_example_gradients", "tape_gradient_of_the_loss_vector", names=("sum", "jacobian"),
              tensorflow="""
        def per_example_gradients(W, b, X, y):
            with tf.GradientTape() as tape:
                tape.watch([W, b])
                losses = per_example_loss(W, b, X, y)
            G_W, G_b = tape.gradient(losses, [W, b])
            return G_W, G_b
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "rows_without_their_batch_axis", names=("X[i:i+1]|i:i + 1",),
              tensorflow="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i], y[i]) for i in range(X.shape[0])]
            return tf.stack([dW for dW, _ in grads]), tf.stack([db for _, db in grads])
        """),
    *variants(LAB, MISTAKE, "per_example_gradients", "labels_without_their_batch_axis", names=("y[i:i+1]|i:i + 1",),
              tensorflow="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i]) for i in range(X.shape[0])]
            return tf.stack([dW for dW, _ in grads]), tf.stack([db for _, db in grads])
        """, torch="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i:i + 1], y[i]) for i in range(X.shape[0])]
            return torch.stack([dW for dW, _ in grads]), torch.stack([db for _, db in grads])
        """),
    *variants(LAB, ALTERNATIVE, "per_example_gradients", "all_at_once", tensorflow="""
        def per_example_gradients(W, b, X, y):
            with tf.GradientTape(persistent=True) as tape:
                tape.watch([W, b])
                losses = per_example_loss(W, b, X, y)
            return tape.jacobian(losses, W), tape.jacobian(losses, b)
        """, torch="""
        def per_example_gradients(W, b, X, y):
            def one(W, b, x, t):
                return per_example_loss(W, b, x[None], t[None])[0]

            return torch.func.vmap(torch.func.grad(one, argnums=(0, 1)), in_dims=(None, None, 0, 0))(W, b, X, y)
        """),
    *variants(LAB, ALTERNATIVE, "per_example_gradients", "rows_appended_in_a_loop", tensorflow="""
        def per_example_gradients(W, b, X, y):
            rows_W, rows_b = [], []
            for x_row, y_row in zip(tf.unstack(X), tf.unstack(y)):
                dW, db = batch_gradient(W, b, x_row[None, :], y_row[None])
                rows_W.append(dW)
                rows_b.append(db)
            return tf.stack(rows_W), tf.stack(rows_b)
        """, torch="""
        def per_example_gradients(W, b, X, y):
            rows_W, rows_b = [], []
            for x_row, y_row in zip(X, y):
                dW, db = batch_gradient(W, b, x_row.unsqueeze(0), y_row.unsqueeze(0))
                rows_W.append(dW)
                rows_b.append(db)
            return torch.stack(rows_W), torch.stack(rows_b)
        """),
    # PyTorch: a 1-D row and a 0-D label make a scalar loss, whose gradient is that example's: right as well
    *variants(LAB, ALTERNATIVE, "per_example_gradients", "rows_indexed", torch="""
        def per_example_gradients(W, b, X, y):
            grads = [batch_gradient(W, b, X[i], y[i]) for i in range(len(y))]
            return torch.stack([g[0] for g in grads]), torch.stack([g[1] for g in grads])
        """),
]

GRADIENT_VARIANCE = [
    *variants(LAB, MISTAKE, "gradient_variance", "not_centred", names=("subtract", "full-batch"), tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_mean(tf.reduce_sum(batch_means ** 2, axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return (batch_means ** 2).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "norm_not_squared", names=("square",), tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_mean(tf.norm(batch_means - tf.reduce_mean(G, axis=0), axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return torch.linalg.norm(batch_means - G.mean(dim=0), dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "mean_over_the_coordinates", names=("coordinates", "sum"),
              tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_mean((batch_means - tf.reduce_mean(G, axis=0)) ** 2)
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return ((batch_means - G.mean(dim=0)) ** 2).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "batch_sums", names=("sum", "mean"), tensorflow="""
        def gradient_variance(G, batches):
            batch_gradients = tf.reduce_sum(tf.gather(G, batches), axis=1)
            full = tf.reduce_mean(G, axis=0)
            return tf.reduce_mean(tf.reduce_sum((batch_gradients - full) ** 2, axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            batch_gradients = G[batches].sum(dim=1)
            return ((batch_gradients - G.mean(dim=0)) ** 2).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "batch_means_over_axis_0", names=("axis",), tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=0)
            full = tf.reduce_mean(G, axis=0)
            return tf.reduce_mean(tf.reduce_sum((batch_means - full) ** 2, axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=0)
            return ((batch_means - G.mean(dim=0)) ** 2).sum(dim=1).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "last_mean_forgotten", names=("one distance per", "average"),
              tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_sum((batch_means - tf.reduce_mean(G, axis=0)) ** 2, axis=1)
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return ((batch_means - G.mean(dim=0)) ** 2).sum(dim=1)
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "a_python_float", names=("float", "tensor"), tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            full = tf.reduce_mean(G, axis=0)
            return float(tf.reduce_mean(tf.reduce_sum((batch_means - full) ** 2, axis=1)))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return ((batch_means - G.mean(dim=0)) ** 2).sum(dim=1).mean().item()
        """),
    # the framework's variance: the spread of the k mini-batch gradients around their own mean
    *variants(LAB, MISTAKE, "gradient_variance", "variance_of_the_batch_means", names=("own mean", "full-batch"),
              tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_sum(tf.math.reduce_variance(batch_means, axis=0))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return torch.var(batch_means, dim=0).sum()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "each_example_before_the_batch_mean", names=("each example",),
              tensorflow="""
        def gradient_variance(G, batches):
            deviations = tf.gather(G, batches) - tf.reduce_mean(G, axis=0)
            return tf.reduce_mean(tf.reduce_sum(deviations ** 2, axis=-1))
        """, torch="""
        def gradient_variance(G, batches):
            deviations = G[batches] - G.mean(dim=0)
            return (deviations ** 2).sum(dim=-1).mean()
        """),
    *variants(LAB, MISTAKE, "gradient_variance", "full_mean_of_the_batch_rows", names=("all N rows|all the rows",),
              tensorflow="""
        def gradient_variance(G, batches):
            rows = tf.gather(G, batches)
            full = tf.reduce_mean(rows, axis=[0, 1])
            return tf.reduce_mean(tf.reduce_sum((tf.reduce_mean(rows, axis=1) - full) ** 2, axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            rows = G[batches]
            full = rows.mean(dim=(0, 1))
            return ((rows.mean(dim=1) - full) ** 2).sum(dim=1).mean()
        """),
    *variants(LAB, HIDDEN_ONLY, "gradient_variance", "visible_answer_typed_in", names=("typed in|hard-coded",),
              tensorflow="""
        def gradient_variance(G, batches):
            return tf.constant(2.68)
        """, torch="""
        def gradient_variance(G, batches):
            return torch.tensor(2.68)
        """),
    *variants(LAB, ALTERNATIVE, "gradient_variance", "a_loop_over_batches", tensorflow="""
        def gradient_variance(G, batches):
            full = tf.reduce_mean(G, axis=0)
            distances = []
            for rows in tf.unstack(batches):
                batch_mean = tf.reduce_mean(tf.gather(G, rows), axis=0)
                distances.append(tf.norm(batch_mean - full) ** 2)
            return tf.reduce_mean(tf.stack(distances))
        """, torch="""
        def gradient_variance(G, batches):
            full = G.mean(dim=0)
            distances = [torch.sum((G.index_select(0, rows).mean(dim=0) - full) ** 2) for rows in batches]
            return torch.stack(distances).mean()
        """),
    # a (k, N) averaging matrix: row j holds 1/B at the examples of batch j
    *variants(LAB, ALTERNATIVE, "gradient_variance", "an_averaging_matrix", tensorflow="""
        def gradient_variance(G, batches):
            averaging = tf.reduce_mean(tf.one_hot(batches, depth=G.shape[0]), axis=1)  # (k, N)
            deviations = averaging @ G - tf.reduce_mean(G, axis=0, keepdims=True)
            return tf.reduce_mean(tf.reduce_sum(tf.square(deviations), axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            averaging = torch.nn.functional.one_hot(batches, num_classes=G.shape[0]).to(G.dtype).mean(dim=1)
            deviations = averaging @ G - G.mean(dim=0, keepdim=True)
            return deviations.pow(2).sum(dim=1).mean()
        """),
    # each squared norm written as the dot product of a row with itself
    *variants(LAB, ALTERNATIVE, "gradient_variance", "norm_as_a_dot_product", tensorflow="""
        def gradient_variance(G, batches):
            d = tf.reduce_mean(tf.gather(G, batches), axis=1) - tf.reduce_mean(G, axis=0)
            return tf.reduce_mean(tf.einsum("kp,kp->k", d, d))
        """, torch="""
        def gradient_variance(G, batches):
            d = G[batches].mean(dim=1) - G.mean(dim=0)
            return torch.einsum("kp,kp->k", d, d).mean()
        """),
]

PREDICT_NOISE_RATIO = [  # one cell for both frameworks
    *variants(LAB, MISTAKE, "predict_noise_ratio", "one_over_b_squared", names=("not (a)", "B·σ²/B²"), both="""
        def predict_noise_ratio():
            return "a"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "the_square_root_rule", names=("not (c)", "square root"), both="""
        def predict_noise_ratio():
            return "c"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "unbiased_means_no_noise", names=("not (d)", "unbiased"), both="""
        def predict_noise_ratio():
            return "d"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "share_of_the_data", names=("not (e)", "share of the data"),
              both="""
        def predict_noise_ratio():
            return "e"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "the_ratio_as_a_number", names=("as a string", "got float"), both="""
        def predict_noise_ratio():
            return 0.25
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "the_ratio_as_text", names=("one of the letters", "'1/4'"), both="""
        def predict_noise_ratio():
            return "1/4"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "no_such_letter", names=("one of the letters", "'f'"), both="""
        def predict_noise_ratio():
            return "f"
        """),
    *variants(LAB, MISTAKE, "predict_noise_ratio", "a_list", names=("as a string", "got list"), both="""
        def predict_noise_ratio():
            return ["b"]
        """),
    *variants(LAB, ALTERNATIVE, "predict_noise_ratio", "capital", both="""
        def predict_noise_ratio():
            return "B"
        """),
    *variants(LAB, ALTERNATIVE, "predict_noise_ratio", "in_parentheses", both="""
        def predict_noise_ratio():
            return "(b)"
        """),
    *variants(LAB, ALTERNATIVE, "predict_noise_ratio", "with_spaces_and_bracket", both="""
        def predict_noise_ratio():
            answer = " b) "
            return answer
        """),
]


MAKE_BATCHES = [
    *variants(LAB, MISTAKE, "make_batches", "seed_ignored", names=("seed",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(buffer_size=X.shape[0]).batch(batch_size)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
        """),
    *variants(LAB, MISTAKE, "make_batches", "a_generator_that_runs_out", names=("second epoch", "generator"),
              tensorflow="""
        def make_batches(X, y, batch_size, seed):
            order = np.random.default_rng(seed).permutation(X.shape[0])
            X, y = tf.gather(X, order), tf.gather(y, order)
            return ((X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, X.shape[0], batch_size))
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            order = torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))
            X, y = X[order], y[order]
            return ((X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, X.shape[0], batch_size))
        """),
    *variants(LAB, MISTAKE, "make_batches", "last_batch_dropped", names=("last", "drop_remainder|drop_last"),
              tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(X.shape[0], seed=seed).batch(batch_size, drop_remainder=True)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            generator = torch.Generator().manual_seed(seed)
            return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator,
                              drop_last=True)
        """),
    *variants(LAB, MISTAKE, "make_batches", "buffer_of_one_batch", names=("buffer",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(buffer_size=batch_size, seed=seed).batch(batch_size)
        """),
    # a buffer that looks large, but is smaller than the data the hidden tests use
    *variants(LAB, HIDDEN_ONLY, "make_batches", "buffer_of_32", names=("buffer",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(32, seed=seed).batch(batch_size)
        """),
    *variants(LAB, MISTAKE, "make_batches", "batched_then_shuffled", names=("whole batches",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y)).batch(batch_size)
            return dataset.shuffle(X.shape[0], seed=seed)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            batches = list(DataLoader(TensorDataset(X, y), batch_size=batch_size))
            order = torch.randperm(len(batches), generator=torch.Generator().manual_seed(seed))
            return [batches[i] for i in order]
        """),
    *variants(LAB, MISTAKE, "make_batches", "not_reshuffled", names=("every epoch",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(X.shape[0], seed=seed, reshuffle_each_iteration=False).batch(batch_size)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
            return DataLoader(TensorDataset(X[order], y[order]), batch_size=batch_size)
        """),
    *variants(LAB, MISTAKE, "make_batches", "x_and_y_shuffled_apart", names=("separately", "together"),
              tensorflow="""
        def make_batches(X, y, batch_size, seed):
            xs = tf.data.Dataset.from_tensor_slices(X).shuffle(X.shape[0], seed=seed)
            ys = tf.data.Dataset.from_tensor_slices(y).shuffle(X.shape[0], seed=seed + 1)
            return tf.data.Dataset.zip((xs, ys)).batch(batch_size)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            generator = torch.Generator().manual_seed(seed)
            X = X[torch.randperm(len(X), generator=generator)]
            y = y[torch.randperm(len(y), generator=generator)]
            return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator)
        """),
    *variants(LAB, MISTAKE, "make_batches", "repeated_forever", names=("repeat",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(X.shape[0], seed=seed).batch(batch_size).repeat()
        """),
    # PyTorch: a class of its own that reorders the caller's X and y in place every epoch
    *variants(LAB, MISTAKE, "make_batches", "callers_tensors_shuffled_in_place", names=("in place", "copy|clone"),
              torch="""
        class Batches:
            def __init__(self, X, y, batch_size, seed):
                self.X, self.y, self.batch_size = X, y, batch_size
                self.generator = torch.Generator().manual_seed(seed)

            def __iter__(self):
                order = torch.randperm(len(self.y), generator=self.generator)
                self.X[:], self.y[:] = self.X[order], self.y[order]
                for start in range(0, len(self.y), self.batch_size):
                    yield self.X[start:start + self.batch_size], self.y[start:start + self.batch_size]


        def make_batches(X, y, batch_size, seed):
            return Batches(X, y, batch_size, seed)
        """),
    *variants(LAB, MISTAKE, "make_batches", "sampled_with_replacement", names=("exactly once",), tensorflow="""
        def make_batches(X, y, batch_size, seed):
            n = X.shape[0]
            rows = tf.random.stateless_uniform([n], seed=[seed, 0], maxval=n, dtype=tf.int32)
            dataset = tf.data.Dataset.from_tensor_slices((tf.gather(X, rows), tf.gather(y, rows)))
            return dataset.shuffle(n, seed=seed).batch(batch_size)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            dataset = TensorDataset(X, y)
            sampler = torch.utils.data.RandomSampler(dataset, replacement=True,
                                                     generator=torch.Generator().manual_seed(seed))
            return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
        """),
    *variants(LAB, MISTAKE, "make_batches", "not_shuffled", names=("original order", "shuffle"), torch="""
        def make_batches(X, y, batch_size, seed):
            torch.manual_seed(seed)
            return DataLoader(TensorDataset(X, y), batch_size=batch_size)
        """),
    *variants(LAB, ALTERNATIVE, "make_batches", "a_class_that_reshuffles", tensorflow="""
        class Batches:
            def __init__(self, X, y, batch_size, seed):
                self.X, self.y, self.batch_size = X, y, batch_size
                self.rng = np.random.default_rng(seed)

            def __iter__(self):
                order = self.rng.permutation(self.X.shape[0])
                for start in range(0, len(order), self.batch_size):
                    rows = order[start:start + self.batch_size]
                    yield tf.gather(self.X, rows), tf.gather(self.y, rows)


        def make_batches(X, y, batch_size, seed):
            return Batches(X, y, batch_size, seed)
        """, torch="""
        class Batches:
            def __init__(self, X, y, batch_size, seed):
                self.X, self.y, self.batch_size = X, y, batch_size
                self.generator = torch.Generator().manual_seed(seed)

            def __iter__(self):
                order = torch.randperm(len(self.y), generator=self.generator)
                for rows in order.split(self.batch_size):
                    yield self.X[rows], self.y[rows]


        def make_batches(X, y, batch_size, seed):
            return Batches(X, y, batch_size, seed)
        """),
    *variants(LAB, ALTERNATIVE, "make_batches", "framework_idiom_of_another_kind", tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices({"x": X, "y": y})
            dataset = dataset.shuffle(10_000, seed=seed, reshuffle_each_iteration=True).batch(batch_size)
            return dataset.map(lambda batch: (batch["x"], batch["y"])).prefetch(tf.data.AUTOTUNE)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            dataset = TensorDataset(X, y)
            sampler = torch.utils.data.RandomSampler(dataset, generator=torch.Generator().manual_seed(seed))
            return DataLoader(dataset, sampler=sampler, batch_size=batch_size)
        """),
    # the shuffled indices batched, the examples gathered per batch
    *variants(LAB, ALTERNATIVE, "make_batches", "indices_shuffled", tensorflow="""
        def make_batches(X, y, batch_size, seed):
            indices = tf.data.Dataset.range(X.shape[0]).shuffle(X.shape[0], seed=seed).batch(batch_size)
            return indices.map(lambda rows: (tf.gather(X, rows), tf.gather(y, rows)))
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            torch.manual_seed(seed)
            return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
        """),
]

TRAIN_EPOCH = [
    *variants(LAB, MISTAKE, "train_epoch", "last_batch_loss_returned", names=("last batch",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            for x_batch, y_batch in batches:
                loss = train_step(model, optimizer, loss_fn, x_batch, y_batch)
            return float(loss)


        @tf.function
        def train_step(model, optimizer, loss_fn, x_batch, y_batch):
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch, training=True), y_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            model.train()
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
            return loss.item()
        """),
    *variants(LAB, MISTAKE, "train_epoch", "zero_grad_forgotten", names=("zero",), torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            model.train()
            losses = []
            for x_batch, y_batch in batches:
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "zero_grad_before_the_step", names=("did not change", "zero"), torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.zero_grad()
                optimizer.step()
                losses.append(loss.item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "no_step_taken", names=("did not change", "step"), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(model(x_batch, training=True), y_batch)
                grads = tape.gradient(loss, model.trainable_variables)
                losses.append(float(loss))
            return sum(losses) / len(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                losses.append(loss.item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "manual_step_uphill", names=("uphill",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(model(x_batch, training=True), y_batch)
                grads = tape.gradient(loss, model.trainable_variables)
                for grad, variable in zip(grads, model.trainable_variables):
                    variable.assign_add(optimizer.learning_rate * grad)
                losses.append(float(loss))
            return sum(losses) / len(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            lr = optimizer.param_groups[0]["lr"]
            losses = []
            for x_batch, y_batch in batches:
                model.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p += lr * p.grad
                losses.append(loss.item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "sum_of_the_losses", names=("sum", "divide"), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total = 0.0
            for x_batch, y_batch in batches:
                total += float(train_step(model, optimizer, loss_fn, x_batch, y_batch))
            return total


        @tf.function
        def train_step(model, optimizer, loss_fn, x_batch, y_batch):
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch, training=True), y_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total = 0.0
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                total += loss.item()
            return total
        """),
    # each batch weighted by its number of examples: the mean over examples, not over batches
    *variants(LAB, MISTAKE, "train_epoch", "weighted_by_batch_size", names=("weighted", "each batch"), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                loss = train_step(model, optimizer, loss_fn, x_batch, y_batch)
                total += float(loss) * len(y_batch)
                count += len(y_batch)
            return total / count


        @tf.function
        def train_step(model, optimizer, loss_fn, x_batch, y_batch):
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch, training=True), y_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(y_batch)
                count += len(y_batch)
            return total / count
        """),
    *variants(LAB, MISTAKE, "train_epoch", "loss_after_the_step", names=("after",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(model(x_batch, training=True), y_batch)
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                losses.append(float(loss_fn(model(x_batch), y_batch)))
            return sum(losses) / len(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss_fn(model(x_batch), y_batch).backward()
                optimizer.step()
                with torch.no_grad():
                    losses.append(loss_fn(model(x_batch), y_batch).item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "a_tensor_returned", names=("float",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(model(x_batch, training=True), y_batch)
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                losses.append(loss)
            return tf.reduce_mean(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(x_batch), y_batch)
                loss.backward()
                optimizer.step()
                losses.append(loss)
            return sum(losses) / len(losses)
        """),
    # the Keras order of arguments, loss(y_true, y_pred), where this loss_fn takes (logits, y)
    *variants(LAB, MISTAKE, "train_epoch", "loss_arguments_swapped", names=("order",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(y_batch, model(x_batch, training=True))
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                losses.append(float(loss))
            return sum(losses) / len(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                optimizer.zero_grad()
                loss = loss_fn(y_batch, model(x_batch))
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            return sum(losses) / len(losses)
        """),
    *variants(LAB, MISTAKE, "train_epoch", "loss_outside_the_tape", names=("tape",), tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                logits = model(x_batch, training=True)
                with tf.GradientTape() as tape:
                    loss = loss_fn(logits, y_batch)
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                losses.append(float(loss))
            return sum(losses) / len(losses)
        """),
    *variants(LAB, ALTERNATIVE, "train_epoch", "numpy_mean_of_floats", tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                with tf.GradientTape() as tape:
                    loss = loss_fn(model(x_batch), y_batch)
                variables = model.trainable_variables
                optimizer.apply(tape.gradient(loss, variables), variables)
                losses.append(loss.numpy())
            return np.mean(losses)
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            losses = []
            for x_batch, y_batch in batches:
                loss = loss_fn(model(x_batch), y_batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                losses.append(loss.detach())
            return float(torch.stack(losses).mean())
        """),
    *variants(LAB, ALTERNATIVE, "train_epoch", "running_total", tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                total += float(step(model, optimizer, loss_fn, x_batch, y_batch))
                count += 1
            return total / count


        def step(model, optimizer, loss_fn, x_batch, y_batch):  # eager: no @tf.function
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch, training=True), y_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            model.train()
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                loss = loss_fn(model(x_batch), y_batch)
                model.zero_grad()
                loss.backward()
                optimizer.step()
                total, count = total + loss.item(), count + 1
            return total / count
        """),
]

SCALED_LEARNING_RATE = [  # one cell for both frameworks
    *variants(LAB, MISTAKE, "scaled_learning_rate", "ratio_upside_down", names=("upside down",), both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return base_lr * base_batch_size / batch_size
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "square_root_rule", names=("square-root|sqrt", "linear"),
              both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return base_lr * np.sqrt(batch_size / base_batch_size)
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "base_lr_left_out", names=("base_lr",), both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            k = batch_size / base_batch_size
            return k
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "integer_division", names=("//|integer division",), both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            k = batch_size // base_batch_size
            return base_lr * k
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "not_divided_by_the_base_size", names=("base_batch_size",),
              both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return base_lr * batch_size
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "the_growth_only", names=("k - 1|grows by",), both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return base_lr * (batch_size - base_batch_size) / base_batch_size
        """),
    *variants(LAB, MISTAKE, "scaled_learning_rate", "a_tensor_returned", names=("float",), tensorflow="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return tf.constant(base_lr) * batch_size / base_batch_size
        """, torch="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return torch.tensor(base_lr) * batch_size / base_batch_size
        """),
    *variants(LAB, ALTERNATIVE, "scaled_learning_rate", "learning_rate_per_example", both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            per_example = base_lr / base_batch_size
            return per_example * batch_size
        """),
    *variants(LAB, ALTERNATIVE, "scaled_learning_rate", "the_factor_k", both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            k = batch_size / base_batch_size
            return float(k * base_lr)
        """),
]


RIGHT = {"forward_outside_tape": "a", "shuffle_window": "c", "gradients_add_up": "b"}


def museum_answer(**changes) -> str:
    """A bug_museum cell returning the right letters with `changes` (exhibit=letter) made."""
    return f"""
        def bug_museum():
            return {({**RIGHT, **changes})!r}
        """


BUG_MUSEUM = [  # one cell for both frameworks
    *variants(LAB, MISTAKE, "bug_museum", "tape_weights_not_built", names=("['forward_outside_tape']", "at once"),
              both=museum_answer(forward_outside_tape="b")),
    *variants(LAB, MISTAKE, "bug_museum", "tape_labels", names=("['forward_outside_tape']", "labels need no"),
              both=museum_answer(forward_outside_tape="c")),
    *variants(LAB, MISTAKE, "bug_museum", "tape_zero_gradient", names=("['forward_outside_tape']", "not None"),
              both=museum_answer(forward_outside_tape="d")),
    *variants(LAB, MISTAKE, "bug_museum", "window_batch_too_small", names=("['shuffle_window']", "one in a million"),
              both=museum_answer(shuffle_window="a")),
    *variants(LAB, MISTAKE, "bug_museum", "window_seed_repeats", names=("['shuffle_window']", "two epochs printed"),
              both=museum_answer(shuffle_window="b")),
    *variants(LAB, MISTAKE, "bug_museum", "window_too_few_of_one", names=("['shuffle_window']", "142 of the 256"),
              both=museum_answer(shuffle_window="d")),
    *variants(LAB, MISTAKE, "bug_museum", "adds_up_learning_rate", names=("['gradients_add_up']", "same learning rate"),
              both=museum_answer(gradients_add_up="a")),
    *variants(LAB, MISTAKE, "bug_museum", "adds_up_fixed_order", names=("['gradients_add_up']", "same fixed order"),
              both=museum_answer(gradients_add_up="c")),
    *variants(LAB, MISTAKE, "bug_museum", "adds_up_momentum", names=("['gradients_add_up']", "no momentum"),
              both=museum_answer(gradients_add_up="d")),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_missing", names=("keys", "'shuffle_window'"), both="""
        def bug_museum():
            return {"forward_outside_tape": "a", "gradients_add_up": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_key_misspelled", names=("keys", "'gradients_add_up'"), both="""
        def bug_museum():
            return {"forward_outside_tape": "a", "shuffle_window": "c", "gradient_add_up": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_in_a_string", names=("should return a dict", "got str"), both="""
        def bug_museum():
            return "acb"
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_in_a_list", names=("should return a dict", "got list"), both="""
        def bug_museum():
            return ["a", "c", "b"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_number_for_a_letter",
              names=("['shuffle_window']", "as a string", "got int"), both=museum_answer(shuffle_window=3)),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capitals", both="""
        def bug_museum():
            return {"forward_outside_tape": "A", "shuffle_window": "C", "gradients_add_up": "B"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "bracketed_other_order", both="""
        def bug_museum():
            return {"gradients_add_up": "(b)", "forward_outside_tape": "a)", "shuffle_window": " c "}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_with_zip", both="""
        def bug_museum():
            exhibits = ["forward_outside_tape", "shuffle_window", "gradients_add_up"]
            return dict(zip(exhibits, "acb"))
        """),
]


VARIANTS = [*BATCH_GRADIENT, *PER_EXAMPLE_GRADIENTS, *GRADIENT_VARIANCE, *PREDICT_NOISE_RATIO, *MAKE_BATCHES,
            *TRAIN_EPOCH, *SCALED_LEARNING_RATE, *BUG_MUSEUM]
