"""Lab 05, mini-batches: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, MISTAKE, variants

LAB = "05_minibatches"

VARIANTS = [
    # ---- batch_gradient
    *variants(LAB, MISTAKE, "batch_gradient", "tape_not_watching", tensorflow="""
        def batch_gradient(W, b, X, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(per_example_loss(W, b, X, y))
            dW, db = tape.gradient(loss, [W, b])
            return dW, db
        """),
    # the caller's own tensors made leaves, .grad read and never zeroed: the second call with the same tensors
    # gets twice the gradient (the check calls twice; grading once sent fresh tensors on every call)
    *variants(LAB, MISTAKE, "batch_gradient", "grad_adds_up_on_the_callers_tensors", torch="""
        def batch_gradient(W, b, X, y):
            W.requires_grad_(True)
            b.requires_grad_(True)
            loss = per_example_loss(W, b, X, y).mean()
            loss.backward()
            return W.grad, b.grad
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
    # ---- per_example_gradients
    *variants(LAB, MISTAKE, "per_example_gradients", "the_batch_gradient_repeated", tensorflow="""
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
    *variants(LAB, MISTAKE, "per_example_gradients", "grad_never_zeroed", torch="""
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
    # ---- gradient_variance
    *variants(LAB, MISTAKE, "gradient_variance", "not_centred", tensorflow="""
        def gradient_variance(G, batches):
            batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
            return tf.reduce_mean(tf.reduce_sum(batch_means ** 2, axis=1))
        """, torch="""
        def gradient_variance(G, batches):
            batch_means = G[batches].mean(dim=1)
            return (batch_means ** 2).sum(dim=1).mean()
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
    # ---- make_batches
    *variants(LAB, MISTAKE, "make_batches", "seed_ignored", tensorflow="""
        def make_batches(X, y, batch_size, seed):
            dataset = tf.data.Dataset.from_tensor_slices((X, y))
            return dataset.shuffle(buffer_size=X.shape[0]).batch(batch_size)
        """, torch="""
        def make_batches(X, y, batch_size, seed):
            return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
        """),
    *variants(LAB, MISTAKE, "make_batches", "a_generator_that_runs_out", tensorflow="""
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
    # ---- train_epoch
    *variants(LAB, MISTAKE, "train_epoch", "last_batch_loss_returned", tensorflow="""
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
    *variants(LAB, MISTAKE, "train_epoch", "zero_grad_forgotten", torch="""
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
    *variants(LAB, ALTERNATIVE, "train_epoch", "losses_kept_as_tensors", tensorflow="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                total, count = total + train_step(model, optimizer, loss_fn, x_batch, y_batch), count + 1
            return total / count


        def train_step(model, optimizer, loss_fn, x_batch, y_batch):  # eager: no @tf.function
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch), y_batch)
            variables = model.trainable_variables
            optimizer.apply(tape.gradient(loss, variables), variables)
            return loss
        """, torch="""
        def train_epoch(model, optimizer, loss_fn, batches):
            total, count = 0.0, 0
            for x_batch, y_batch in batches:
                loss = loss_fn(model(x_batch), y_batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total, count = total + loss.detach(), count + 1
            return total / count
        """),
    # ---- scaled_learning_rate (one cell for both frameworks)
    *variants(LAB, MISTAKE, "scaled_learning_rate", "ratio_upside_down", both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            return base_lr * base_batch_size / batch_size
        """),
    *variants(LAB, ALTERNATIVE, "scaled_learning_rate", "learning_rate_per_example", both="""
        def scaled_learning_rate(base_lr, base_batch_size, batch_size):
            per_example = base_lr / base_batch_size
            return per_example * batch_size
        """),
]
