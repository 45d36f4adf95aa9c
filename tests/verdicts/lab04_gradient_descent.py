"""Lab 04, gradient descent: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, MISTAKE, variants

LAB = "04_gradient_descent"

VARIANTS = [
    # ---- tiny_network
    *variants(LAB, MISTAKE, "tiny_network", "mean_over_every_axis", tensorflow="""
        def tiny_loss(x, y, w1, w2):
            y_hat = w2 * tf.sigmoid(w1 * x)
            return tf.reduce_mean((y_hat - y) ** 2)
        """, torch="""
        def tiny_loss(x, y, w1, w2):
            y_hat = w2 * torch.sigmoid(w1 * x)
            return ((y_hat - y) ** 2).mean()
        """),
    *variants(LAB, ALTERNATIVE, "tiny_network", "sigmoid_written_out", tensorflow="""
        def tiny_loss(x, y, w1, w2):
            y_hat = w2 / (1 + tf.exp(-w1 * x))
            squared = tf.square(y_hat - y)
            return tf.reduce_sum(squared, axis=-1) / x.shape[-1]
        """, torch="""
        def tiny_loss(x, y, w1, w2):
            y_hat = w2 / (1 + torch.exp(-w1 * x))
            return torch.mean(torch.square(y_hat - y), dim=-1)
        """),
    # ---- backprop
    *variants(LAB, MISTAKE, "backprop", "factor_two_forgotten", tensorflow="""
        def tiny_gradients(x, y, w1, w2):
            n = tf.cast(tf.size(x), x.dtype)
            s = tf.sigmoid(w1 * x)
            dJ_dyhat = (w2 * s - y) / n
            dJ_dw1 = tf.reduce_sum(dJ_dyhat * w2 * s * (1 - s) * x)
            dJ_dw2 = tf.reduce_sum(dJ_dyhat * s)
            return dJ_dw1, dJ_dw2
        """, torch="""
        def tiny_gradients(x, y, w1, w2):
            n = x.numel()
            s = torch.sigmoid(w1 * x)
            dJ_dyhat = (w2 * s - y) / n
            dJ_dw1 = (dJ_dyhat * w2 * s * (1 - s) * x).sum()
            dJ_dw2 = (dJ_dyhat * s).sum()
            return dJ_dw1, dJ_dw2
        """),
    *variants(LAB, MISTAKE, "backprop", "autograd_instead_of_the_chain_rule", tensorflow="""
        def tiny_gradients(x, y, w1, w2):
            w1, w2 = tf.Variable(w1), tf.Variable(w2)
            with tf.GradientTape() as tape:
                loss = tiny_loss(x, y, w1, w2)
            return tuple(tape.gradient(loss, [w1, w2]))
        """, torch="""
        def tiny_gradients(x, y, w1, w2):
            w1 = w1.clone().requires_grad_(True)
            w2 = w2.clone().requires_grad_(True)
            tiny_loss(x, y, w1, w2).backward()
            return w1.grad, w2.grad
        """),
    *variants(LAB, ALTERNATIVE, "backprop", "means_and_sigmoid_of_minus_z", tensorflow="""
        def tiny_gradients(x, y, w1, w2):
            s = tf.sigmoid(w1 * x)
            error = w2 * s - y
            dJ_dw1 = 2 * tf.reduce_mean(error * w2 * s * tf.sigmoid(-w1 * x) * x)
            dJ_dw2 = 2 * tf.reduce_mean(error * s)
            return dJ_dw1, dJ_dw2
        """, torch="""
        def tiny_gradients(x, y, w1, w2):
            s = torch.sigmoid(w1 * x)
            error = w2 * s - y
            dJ_dw1 = 2 * torch.mean(error * w2 * s * torch.sigmoid(-w1 * x) * x)
            dJ_dw2 = 2 * torch.mean(error * s)
            return dJ_dw1, dJ_dw2
        """),
    # ---- gradient_check
    *variants(LAB, MISTAKE, "gradient_check", "forward_difference", tensorflow="""
        def autograd_gradients(x, y, w1, w2):
            w1, w2 = tf.Variable(w1), tf.Variable(w2)
            with tf.GradientTape() as tape:
                loss = tiny_loss(x, y, w1, w2)
            dJ_dw1, dJ_dw2 = tape.gradient(loss, [w1, w2])
            return dJ_dw1, dJ_dw2


        def numerical_gradients(loss, w1, w2, eps=1e-3):
            dJ_dw1 = (loss(w1 + eps, w2) - loss(w1, w2)) / eps
            dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2)) / eps
            return dJ_dw1, dJ_dw2
        """, torch="""
        def autograd_gradients(x, y, w1, w2):
            w1 = w1.detach().clone().requires_grad_(True)
            w2 = w2.detach().clone().requires_grad_(True)
            loss = tiny_loss(x, y, w1, w2)
            loss.backward()
            return w1.grad, w2.grad


        def numerical_gradients(loss, w1, w2, eps=1e-3):
            dJ_dw1 = (loss(w1 + eps, w2) - loss(w1, w2)) / eps
            dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2)) / eps
            return dJ_dw1, dJ_dw2
        """),
    *variants(LAB, MISTAKE, "gradient_check", "weights_do_not_require_grad", torch="""
        def autograd_gradients(x, y, w1, w2):
            loss = tiny_loss(x, y, w1, w2)
            loss.backward()
            return w1.grad, w2.grad


        def numerical_gradients(loss, w1, w2, eps=1e-3):
            dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
            dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
            return dJ_dw1, dJ_dw2
        """),
    *variants(LAB, ALTERNATIVE, "gradient_check", "watched_constants_and_a_loop", tensorflow="""
        def autograd_gradients(x, y, w1, w2):
            with tf.GradientTape() as tape:
                tape.watch([w1, w2])
                loss = tf.reduce_mean(tf.square(w2 * tf.sigmoid(w1 * x) - y))
            return tape.gradient(loss, [w1, w2])


        def numerical_gradients(loss, w1, w2, eps=1e-3):
            steps = [(eps, 0.0), (0.0, eps)]
            return tuple((loss(w1 + a, w2 + b) - loss(w1 - a, w2 - b)) / (2 * eps) for a, b in steps)
        """, torch="""
        def autograd_gradients(x, y, w1, w2):
            w = torch.stack([w1, w2]).detach().requires_grad_(True)
            loss = ((w[1] * torch.sigmoid(w[0] * x) - y) ** 2).mean()
            (grad,) = torch.autograd.grad(loss, w)
            return grad[0], grad[1]


        def numerical_gradients(loss, w1, w2, eps=1e-3):
            steps = [(eps, 0.0), (0.0, eps)]
            return tuple((loss(w1 + a, w2 + b) - loss(w1 - a, w2 - b)) / (2 * eps) for a, b in steps)
        """),
    # ---- gradient_descent
    *variants(LAB, MISTAKE, "gradient_descent", "parameters_renamed_not_updated", tensorflow="""
        def init_params(shape, sigma):
            return tf.random.normal(shape, mean=0.0, stddev=sigma)


        def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
            losses = []
            for _ in range(max_steps):
                with tf.GradientTape() as tape:
                    loss = loss_fn()
                grads = tape.gradient(loss, params)
                losses.append(float(loss))
                if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
                    break
                for param, grad in zip(params, grads):
                    param = param - lr * grad
            return losses
        """),
    *variants(LAB, MISTAKE, "gradient_descent", "gradients_never_zeroed", torch="""
        def init_params(shape, sigma):
            return sigma * torch.randn(shape)


        def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
            losses = []
            for _ in range(max_steps):
                loss = loss_fn()
                loss.backward()
                losses.append(loss.item())
                if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
                    break
                with torch.no_grad():
                    for param in params:
                        param -= lr * param.grad
            return losses
        """),
    *variants(LAB, ALTERNATIVE, "gradient_descent", "assign_and_data", tensorflow="""
        def init_params(shape, sigma):
            return tf.Variable(sigma * tf.random.normal(shape))


        def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
            losses, step = [], 0
            while step < max_steps:
                step += 1
                with tf.GradientTape() as tape:
                    loss = loss_fn()
                losses.append(loss.numpy().item())
                if step > 1 and abs(losses[-1] - losses[-2]) < tol:
                    break
                for param, grad in zip(params, tape.gradient(loss, params)):
                    param.assign(param - lr * grad)
            return losses
        """, torch="""
        def init_params(shape, sigma):
            return torch.normal(0.0, sigma, size=shape)


        def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
            losses, step = [], 0
            while step < max_steps:
                step += 1
                loss = loss_fn()
                loss.backward()
                losses.append(float(loss))
                if step > 1 and abs(losses[-1] - losses[-2]) < tol:
                    break
                for param in params:
                    param.data -= lr * param.grad
                    param.grad = None
            return losses
        """),
    # ---- learning_rates (one cell for both frameworks)
    *variants(LAB, MISTAKE, "learning_rates", "too_large_does_not_diverge", both="""
        def pick_learning_rates():
            return {"too small": 0.05, "stable": 1.0, "too large": 2.0}
        """),
    *variants(LAB, ALTERNATIVE, "learning_rates", "other_rates_that_work", both="""
        def pick_learning_rates():
            rates = {}
            rates["stable"] = 0.5
            rates["too large"] = 10
            rates["too small"] = 0.01
            return rates
        """),
    # ---- optimizer_loop
    *variants(LAB, MISTAKE, "optimizer_loop", "loss_outside_the_tape", tensorflow="""
        def train_with_optimizer(loss_fn, params, optimizer, steps):
            losses = []
            for _ in range(steps):
                loss = loss_fn()
                with tf.GradientTape() as tape:
                    pass
                grads = tape.gradient(loss, params)
                optimizer.apply_gradients(zip(grads, params))
                losses.append(float(loss))
            return losses
        """),
    *variants(LAB, MISTAKE, "optimizer_loop", "zero_grad_forgotten", torch="""
        def train_with_optimizer(loss_fn, params, optimizer, steps):
            losses = []
            for _ in range(steps):
                loss = loss_fn()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            return losses
        """),
    *variants(LAB, ALTERNATIVE, "optimizer_loop", "apply_and_set_to_none", tensorflow="""
        def train_with_optimizer(loss_fn, params, optimizer, steps):
            losses = []
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    loss = loss_fn()
                optimizer.apply(tape.gradient(loss, params), params)
                losses.append(loss.numpy().item())
            return losses
        """, torch="""
        def train_with_optimizer(loss_fn, params, optimizer, steps):
            losses = []
            for _ in range(steps):
                loss = loss_fn()
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                losses.append(float(loss.detach()))
            return losses
        """),
    # ---- adam
    *variants(LAB, MISTAKE, "adam", "no_bias_correction", tensorflow="""
        def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g ** 2
            w = w - lr * m / (tf.sqrt(v) + eps)
            return w, m, v
        """, torch="""
        def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g ** 2
            w = w - lr * m / (torch.sqrt(v) + eps)
            return w, m, v
        """),
    *variants(LAB, ALTERNATIVE, "adam", "step_size_form_of_the_paper", tensorflow="""
        def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            step = lr * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
            w = w - step * m / (v ** 0.5 + eps * (1 - beta2 ** t) ** 0.5)
            return w, m, v
        """, torch="""
        def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m = torch.lerp(g, m, beta1)  # beta1 m + (1 - beta1) g
            v = torch.lerp(g * g, v, beta2)
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            return w - lr * m_hat / (v_hat.sqrt() + eps), m, v
        """),
]
