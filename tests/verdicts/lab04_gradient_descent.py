"""Lab 04, gradient descent: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "04_gradient_descent"

TF_INIT = """
def init_params(shape, sigma):
    return tf.random.normal(shape, mean=0.0, stddev=sigma)
"""
TORCH_INIT = """
def init_params(shape, sigma):
    return sigma * torch.randn(shape)
"""
TF_DESCENT = """
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
            param.assign_sub(lr * grad)
    return losses
"""
TORCH_DESCENT = """
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
                param.grad.zero_()
    return losses
"""
TF_AUTOGRAD = """
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1, w2)
    dJ_dw1, dJ_dw2 = tape.gradient(loss, [w1, w2])
    return dJ_dw1, dJ_dw2
"""
TORCH_AUTOGRAD = """
def autograd_gradients(x, y, w1, w2):
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    loss = tiny_loss(x, y, w1, w2)
    loss.backward()
    return w1.grad, w2.grad
"""
NUMERICAL = """
def numerical_gradients(loss, w1, w2, eps=1e-3):
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
    return dJ_dw1, dJ_dw2
"""


def gradient_check(kind, name, *, names=(), tf_autograd=None, torch_autograd=None, numerical=None,
                   frameworks=("tensorflow", "torch")):
    """A gradient_check cell: each part given replaces the solution's (numerical is shared by both frameworks)."""
    sources = {}
    if "tensorflow" in frameworks:
        sources["tensorflow"] = (tf_autograd or TF_AUTOGRAD) + "\n\n" + (numerical or NUMERICAL)
    if "torch" in frameworks:
        sources["torch"] = (torch_autograd or TORCH_AUTOGRAD) + "\n\n" + (numerical or NUMERICAL)
    return variants(LAB, kind, "gradient_check", name, names=names, **sources)


def descent(kind, name, *, names=(), tf_init=None, tf_descent=None, torch_init=None, torch_descent=None):
    """A gradient_descent cell for each framework given a part of it; the other part is the solution's."""
    sources = {}
    if tf_init or tf_descent:
        sources["tensorflow"] = (tf_init or TF_INIT) + "\n\n" + (tf_descent or TF_DESCENT)
    if torch_init or torch_descent:
        sources["torch"] = (torch_init or TORCH_INIT) + "\n\n" + (torch_descent or TORCH_DESCENT)
    return variants(LAB, kind, "gradient_descent", name, names=names, **sources)


def _loss(tf_body, torch_body):
    """tiny_loss cells from two bodies."""
    cell = "def tiny_loss(x, y, w1, w2):\n{}"
    indent = lambda body: "".join(f"    {line}\n" for line in body.strip().splitlines())
    return {"tensorflow": cell.format(indent(tf_body)) if tf_body else None,
            "torch": cell.format(indent(torch_body)) if torch_body else None}


def tiny(kind, name, *, names=(), tf=None, torch=None):
    return variants(LAB, kind, "tiny_network", name, names=names, **_loss(tf, torch))


def _gradients(body):
    return "def tiny_gradients(x, y, w1, w2):\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())


def backprop(kind, name, *, names=(), tf=None, torch=None):
    return variants(LAB, kind, "backprop", name, names=names, tensorflow=tf and _gradients(tf),
                    torch=torch and _gradients(torch))


TF_CHAIN = """
n = tf.cast(tf.size(x), x.dtype)
s = tf.sigmoid(w1 * x)
dJ_dyhat = 2 * (w2 * s - y) / n
dJ_dw1 = tf.reduce_sum(dJ_dyhat * {dyhat_dz1} * {dz1_dw1})
dJ_dw2 = tf.reduce_sum(dJ_dyhat * {dyhat_dw2})
return {order}
"""
TORCH_CHAIN = """
n = x.numel()
s = torch.sigmoid(w1 * x)
dJ_dyhat = 2 * (w2 * s - y) / n
dJ_dw1 = (dJ_dyhat * {dyhat_dz1} * {dz1_dw1}).sum()
dJ_dw2 = (dJ_dyhat * {dyhat_dw2}).sum()
return {order}
"""


def chain(template, dyhat_dz1="w2 * s * (1 - s)", dz1_dw1="x", dyhat_dw2="s", order="dJ_dw1, dJ_dw2"):
    return template.format(dyhat_dz1=dyhat_dz1, dz1_dw1=dz1_dw1, dyhat_dw2=dyhat_dw2, order=order)


def _optimizer_loop(body):
    return ("def train_with_optimizer(loss_fn, params, optimizer, steps):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines()))


def loop(kind, name, *, names=(), tf=None, torch=None):
    return variants(LAB, kind, "optimizer_loop", name, names=names, tensorflow=tf and _optimizer_loop(tf),
                    torch=torch and _optimizer_loop(torch))


def _adam_cell(body):
    return ("def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            + "".join(f"    {line}\n" for line in body.strip().splitlines()))


ADAM = """
m = beta1 * m + (1 - beta1) * g
v = beta2 * v + (1 - beta2) * g ** 2
m_hat = m / (1 - beta1 ** t)
v_hat = v / (1 - beta2 ** t)
w = w - lr * m_hat / ({sqrt}(v_hat) + eps)
return w, m, v
"""


def adam(kind, name, *, names=(), tf=None, torch=None, both=None):
    """adam_step cells; `both` is a body with {sqrt} for the framework's square root."""
    if both is not None:
        tf, torch = both.format(sqrt="tf.sqrt"), both.format(sqrt="torch.sqrt")
    return variants(LAB, kind, "adam", name, names=names, tensorflow=tf and _adam_cell(tf),
                    torch=torch and _adam_cell(torch))


def rates(kind, name, body, *, names=()):
    return variants(LAB, kind, "learning_rates", name, names=names, both="def pick_learning_rates():\n"
                    + "".join(f"    {line}\n" for line in body.strip().splitlines()))


VARIANTS = [
    # ---- tiny_network
    *tiny(MISTAKE, "mean_over_every_axis", names=("last axis",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_mean((y_hat - y) ** 2)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn ((y_hat - y) ** 2).mean()"),
    *tiny(MISTAKE, "mean_over_the_first_axis", names=("last axis",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_mean((y_hat - y) ** 2, axis=0)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn ((y_hat - y) ** 2).mean(dim=0)"),
    *tiny(MISTAKE, "sum_for_mean", names=("sum", "mean"),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_sum((y_hat - y) ** 2, axis=-1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn ((y_hat - y) ** 2).sum(dim=-1)"),
    *tiny(MISTAKE, "square_forgotten", names=("square",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_mean(y_hat - y, axis=-1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn (y_hat - y).mean(dim=-1)"),
    *tiny(MISTAKE, "absolute_error", names=("absolute",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_mean(tf.abs(y_hat - y), axis=-1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn (y_hat - y).abs().mean(dim=-1)"),
    *tiny(MISTAKE, "sigmoid_forgotten", names=("sigmoid",),
          tf="y_hat = w2 * (w1 * x)\nreturn tf.reduce_mean((y_hat - y) ** 2, axis=-1)",
          torch="y_hat = w2 * (w1 * x)\nreturn ((y_hat - y) ** 2).mean(dim=-1)"),
    *tiny(MISTAKE, "weights_swapped", names=("w1", "w2", "swapped"),
          tf="y_hat = w1 * tf.sigmoid(w2 * x)\nreturn tf.reduce_mean((y_hat - y) ** 2, axis=-1)",
          torch="y_hat = w1 * torch.sigmoid(w2 * x)\nreturn ((y_hat - y) ** 2).mean(dim=-1)"),
    *tiny(MISTAKE, "sigmoid_sign_flipped", names=("sign", "e^(-z)|exp(-z)"),
          tf="y_hat = w2 / (1 + tf.exp(w1 * x))\nreturn tf.reduce_mean((y_hat - y) ** 2, axis=-1)",
          torch="y_hat = w2 / (1 + torch.exp(w1 * x))\nreturn ((y_hat - y) ** 2).mean(dim=-1)"),
    *tiny(MISTAKE, "half_the_squared_error", names=("1/2|half",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn 0.5 * tf.reduce_mean((y_hat - y) ** 2, axis=-1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn 0.5 * ((y_hat - y) ** 2).mean(dim=-1)"),
    *tiny(MISTAKE, "divided_by_n_minus_one", names=("n - 1",),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nn = x.shape[-1]\nreturn tf.reduce_sum((y_hat - y) ** 2, axis=-1) / (n - 1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nn = x.shape[-1]\nreturn ((y_hat - y) ** 2).sum(dim=-1) / (n - 1)"),
    *tiny(MISTAKE, "numpy_mean", names=("NumPy", "autograd"),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn tf.constant(np.mean((y_hat.numpy() - y.numpy()) ** 2, axis=-1))",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\n"
                "return torch.tensor(np.mean((y_hat.detach().numpy() - y.numpy()) ** 2, axis=-1))"),
    *tiny(MISTAKE, "a_python_float", names=("float", "tensor"),
          tf="y_hat = w2 * tf.sigmoid(w1 * x)\nreturn float(tf.reduce_mean((y_hat - y) ** 2))",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\nreturn ((y_hat - y) ** 2).mean().item()"),
    *tiny(ALTERNATIVE, "sigmoid_written_out",
          tf="y_hat = w2 / (1 + tf.exp(-w1 * x))\nsquared = tf.square(y_hat - y)\n"
             "return tf.reduce_sum(squared, axis=-1) / x.shape[-1]",
          torch="y_hat = w2 / (1 + torch.exp(-w1 * x))\nreturn torch.mean(torch.square(y_hat - y), dim=-1)"),
    *tiny(ALTERNATIVE, "the_framework_mse",
          tf="y_hat = w2 * tf.math.sigmoid(w1 * x)\nreturn tf.reduce_mean(tf.math.squared_difference(y_hat, y), axis=-1)",
          torch="y_hat = w2 * torch.sigmoid(w1 * x)\n"
                "return torch.nn.functional.mse_loss(y_hat, y.expand_as(y_hat), reduction='none').mean(-1)"),
    *tiny(ALTERNATIVE, "error_first_then_dot",
          tf="error = y - w2 * tf.sigmoid(w1 * x)\nreturn tf.reduce_mean(error * error, axis=-1)",
          torch="error = y - w2 * torch.sigmoid(w1 * x)\nreturn (error * error).sum(-1) / len(x)"),
    # ---- backprop
    *backprop(MISTAKE, "factor_two_forgotten", names=("factor 2",),
              tf=chain(TF_CHAIN).replace("2 * (w2", "(w2"), torch=chain(TORCH_CHAIN).replace("2 * (w2", "(w2")),
    *backprop(MISTAKE, "autograd_instead_of_the_chain_rule", names=("chain rule",), tf="""
        w1, w2 = tf.Variable(w1), tf.Variable(w2)
        with tf.GradientTape() as tape:
            loss = tiny_loss(x, y, w1, w2)
        return tuple(tape.gradient(loss, [w1, w2]))
        """.strip().replace("\n        ", "\n"), torch="""
        w1 = w1.clone().requires_grad_(True)
        w2 = w2.clone().requires_grad_(True)
        tiny_loss(x, y, w1, w2).backward()
        return w1.grad, w2.grad
        """.strip().replace("\n        ", "\n")),
    *backprop(MISTAKE, "error_the_other_way", names=("sign",),
              tf=chain(TF_CHAIN).replace("(w2 * s - y)", "(y - w2 * s)"),
              torch=chain(TORCH_CHAIN).replace("(w2 * s - y)", "(y - w2 * s)")),
    *backprop(MISTAKE, "no_division_by_n", names=("sum", "mean"),
              tf=chain(TF_CHAIN).replace(" / n", ""), torch=chain(TORCH_CHAIN).replace(" / n", "")),
    *backprop(MISTAKE, "w2_missing_from_the_hidden_link", names=("w2",),
              tf=chain(TF_CHAIN, dyhat_dz1="s * (1 - s)"), torch=chain(TORCH_CHAIN, dyhat_dz1="s * (1 - s)")),
    *backprop(MISTAKE, "last_link_x_missing", names=("dz1/dw1",),
              tf=chain(TF_CHAIN, dz1_dw1="1"), torch=chain(TORCH_CHAIN, dz1_dw1="1")),
    *backprop(MISTAKE, "sigmoid_for_its_derivative", names=("derivative",),
              tf=chain(TF_CHAIN, dyhat_dz1="w2 * s"), torch=chain(TORCH_CHAIN, dyhat_dz1="w2 * s")),
    *backprop(MISTAKE, "tanh_derivative_for_sigmoid", names=("tanh",),
              tf=chain(TF_CHAIN, dyhat_dz1="w2 * (1 - s ** 2)"), torch=chain(TORCH_CHAIN, dyhat_dz1="w2 * (1 - s ** 2)")),
    *backprop(MISTAKE, "derivative_in_dw2", names=("dy_hat/dw2",),
              tf=chain(TF_CHAIN, dyhat_dw2="s * (1 - s)"), torch=chain(TORCH_CHAIN, dyhat_dw2="s * (1 - s)")),
    *backprop(MISTAKE, "mean_after_dividing_by_n", names=("twice",),
              tf=chain(TF_CHAIN).replace("reduce_sum", "reduce_mean"),
              torch=chain(TORCH_CHAIN).replace(").sum()", ").mean()")),
    *backprop(MISTAKE, "sigmoid_of_x_not_of_z1", names=("w1 x",),
              tf=chain(TF_CHAIN).replace("tf.sigmoid(w1 * x)", "tf.sigmoid(x)"),
              torch=chain(TORCH_CHAIN).replace("torch.sigmoid(w1 * x)", "torch.sigmoid(x)")),
    *backprop(MISTAKE, "pair_in_the_wrong_order", names=("order",),
              tf=chain(TF_CHAIN, order="dJ_dw2, dJ_dw1"), torch=chain(TORCH_CHAIN, order="dJ_dw2, dJ_dw1")),
    *backprop(MISTAKE, "n_as_an_int32_tensor", names=("int32", "cast|float32"),
              tf=chain(TF_CHAIN).replace("tf.cast(tf.size(x), x.dtype)", "tf.size(x)")),
    *backprop(MISTAKE, "n_as_the_size_object", names=("numel|number of examples",),
              torch=chain(TORCH_CHAIN).replace("x.numel()", "x.size()")),
    *backprop(ALTERNATIVE, "means_and_sigmoid_of_minus_z", tf="""
        s = tf.sigmoid(w1 * x)
        error = w2 * s - y
        dJ_dw1 = 2 * tf.reduce_mean(error * w2 * s * tf.sigmoid(-w1 * x) * x)
        dJ_dw2 = 2 * tf.reduce_mean(error * s)
        return dJ_dw1, dJ_dw2
        """.strip().replace("\n        ", "\n"), torch="""
        s = torch.sigmoid(w1 * x)
        error = w2 * s - y
        dJ_dw1 = 2 * torch.mean(error * w2 * s * torch.sigmoid(-w1 * x) * x)
        dJ_dw2 = 2 * torch.mean(error * s)
        return dJ_dw1, dJ_dw2
        """.strip().replace("\n        ", "\n")),
    *backprop(ALTERNATIVE, "one_example_at_a_time", tf="""
        n = len(x)
        dJ_dw1, dJ_dw2 = 0.0, 0.0
        for i in range(n):
            s = 1 / (1 + tf.exp(-w1 * x[i]))
            dJ_dyhat = 2 * (w2 * s - y[i]) / n
            dJ_dw1 += dJ_dyhat * w2 * s * (1 - s) * x[i]
            dJ_dw2 += dJ_dyhat * s
        return dJ_dw1, dJ_dw2
        """.strip().replace("\n        ", "\n"), torch="""
        n = len(x)
        dJ_dw1, dJ_dw2 = torch.tensor(0.0), torch.tensor(0.0)
        for i in range(n):
            s = 1 / (1 + torch.exp(-w1 * x[i]))
            dJ_dyhat = 2 * (w2 * s - y[i]) / n
            dJ_dw1 = dJ_dw1 + dJ_dyhat * w2 * s * (1 - s) * x[i]
            dJ_dw2 = dJ_dw2 + dJ_dyhat * s
        return dJ_dw1, dJ_dw2
        """.strip().replace("\n        ", "\n")),
    *backprop(ALTERNATIVE, "delta_shared_by_both_weights", tf="""
        s = tf.sigmoid(w1 * x)
        delta = 2 * (w2 * s - y) / x.shape[0]
        return tf.tensordot(delta * w2 * s * (1 - s), x, 1), tf.tensordot(delta, s, 1)
        """.strip().replace("\n        ", "\n"), torch="""
        s = torch.sigmoid(w1 * x)
        delta = 2 * (w2 * s - y) / x.shape[0]
        return torch.dot(delta * w2 * s * (1 - s), x), torch.dot(delta, s)
        """.strip().replace("\n        ", "\n")),
    # ---- gradient_check
    *gradient_check(MISTAKE, "forward_difference", names=("one-sided|forward", "centred"), numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1, w2)) / eps
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2)) / eps
    return dJ_dw1, dJ_dw2
"""),
    *gradient_check(MISTAKE, "divided_by_eps", names=("2 eps",), numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / eps
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / eps
    return dJ_dw1, dJ_dw2
"""),
    *gradient_check(MISTAKE, "missing_parentheses", names=("parenthes",), numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / 2 * eps
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / 2 * eps
    return dJ_dw1, dJ_dw2
"""),
    *gradient_check(MISTAKE, "both_weights_nudged_at_once", names=("one weight at a time",), numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    change = loss(w1 + eps, w2 + eps) - loss(w1 - eps, w2 - eps)
    return change / (2 * eps), change / (2 * eps)
"""),
    *gradient_check(MISTAKE, "own_eps_not_the_argument", names=("eps", "argument"), numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    h = 1e-3
    dJ_dw1 = (loss(w1 + h, w2) - loss(w1 - h, w2)) / (2 * h)
    dJ_dw2 = (loss(w1, w2 + h) - loss(w1, w2 - h)) / (2 * h)
    return dJ_dw1, dJ_dw2
"""),
    *gradient_check(MISTAKE, "gradient_of_the_predictions", names=("y_hat", "loss"), tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        y_hat = w2 * tf.sigmoid(w1 * x)
    return tuple(tape.gradient(y_hat, [w1, w2]))
""", torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    y_hat = w2 * torch.sigmoid(w1 * x)
    y_hat.sum().backward()
    return w1.grad, w2.grad
"""),
    *gradient_check(MISTAKE, "summed_squared_error", names=("sum", "mean"), tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum((w2 * tf.sigmoid(w1 * x) - y) ** 2)
    return tuple(tape.gradient(loss, [w1, w2]))
""", torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    loss = ((w2 * torch.sigmoid(w1 * x) - y) ** 2).sum()
    loss.backward()
    return w1.grad, w2.grad
"""),
    *gradient_check(MISTAKE, "pair_in_the_wrong_order", names=("order",), tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1, w2)
    return tuple(tape.gradient(loss, [w2, w1]))
""", torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    tiny_loss(x, y, w1, w2).backward()
    return w2.grad, w1.grad
"""),
    *gradient_check(MISTAKE, "constants_not_watched", names=("None", "tf.Variable|watch"), frameworks=("tensorflow",),
                    tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1, w2)
    return tuple(tape.gradient(loss, [w1, w2]))
"""),
    *gradient_check(MISTAKE, "loss_outside_the_tape", names=("inside", "GradientTape"), frameworks=("tensorflow",),
                    tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    loss = tiny_loss(x, y, w1, w2)
    with tf.GradientTape() as tape:
        dJ_dw1, dJ_dw2 = tape.gradient(loss, [w1, w2])
    return dJ_dw1, dJ_dw2
"""),
    *gradient_check(MISTAKE, "weights_through_numpy", names=("no path",), frameworks=("tensorflow",),
                    tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1.numpy(), w2.numpy())
    return tuple(tape.gradient(loss, [w1, w2]))
"""),
    *gradient_check(MISTAKE, "weights_do_not_require_grad", names=("requires_grad",), frameworks=("torch",),
                    torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    loss = tiny_loss(x, y, w1, w2)
    loss.backward()
    return w1.grad, w2.grad
"""),
    *gradient_check(MISTAKE, "callers_weights_made_trainable", names=("accumulat", "copy|clone"),
                    frameworks=("torch",), torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1.requires_grad_(True)
    w2.requires_grad_(True)
    loss = tiny_loss(x, y, w1, w2)
    loss.backward()
    return w1.grad, w2.grad
"""),
    *gradient_check(MISTAKE, "one_leaf_reused_without_zeroing", names=("accumulat", "zero"),
                    frameworks=("torch",), torch_autograd="""
weights = torch.zeros(2, requires_grad=True)


def autograd_gradients(x, y, w1, w2):
    with torch.no_grad():
        weights[0], weights[1] = w1, w2
    tiny_loss(x, y, weights[0], weights[1]).backward()
    return weights.grad[0].clone(), weights.grad[1].clone()
"""),
    *gradient_check(ALTERNATIVE, "watched_constants_and_a_loop", tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    with tf.GradientTape() as tape:
        tape.watch([w1, w2])
        loss = tf.reduce_mean(tf.square(w2 * tf.sigmoid(w1 * x) - y))
    return tape.gradient(loss, [w1, w2])
""", torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w = torch.stack([w1, w2]).detach().requires_grad_(True)
    loss = ((w[1] * torch.sigmoid(w[0] * x) - y) ** 2).mean()
    (grad,) = torch.autograd.grad(loss, w)
    return grad[0], grad[1]
""", numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    steps = [(eps, 0.0), (0.0, eps)]
    return tuple((loss(w1 + a, w2 + b) - loss(w1 - a, w2 - b)) / (2 * eps) for a, b in steps)
"""),
    *gradient_check(ALTERNATIVE, "autograd_grad_and_half_differences", tf_autograd="""
def autograd_gradients(x, y, w1, w2):
    w = [tf.Variable(w1), tf.Variable(w2)]
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, *w)
    grads = tape.gradient(loss, w)
    return grads[0], grads[1]
""", torch_autograd="""
def autograd_gradients(x, y, w1, w2):
    w1, w2 = w1.clone().detach().requires_grad_(), w2.clone().detach().requires_grad_()
    return torch.autograd.grad(tiny_loss(x, y, w1, w2), (w1, w2))
""", numerical="""
def numerical_gradients(loss, w1, w2, eps=1e-3):
    half = 0.5 / eps
    return ((loss(w1 + eps, w2) - loss(w1 - eps, w2)) * half, (loss(w1, w2 + eps) - loss(w1, w2 - eps)) * half)
"""),
    # ---- gradient_descent
    *descent(MISTAKE, "parameters_renamed_not_updated", names=("in place", "assign"), tf_descent="""
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
""", torch_descent="""
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
                param = param - lr * param.grad
                param.grad = None
    return losses
"""),
    *descent(MISTAKE, "gradients_never_zeroed", names=("zero",), torch_descent="""
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
    *descent(MISTAKE, "gradients_zeroed_before_the_step", names=("zero", "before"), torch_descent="""
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
                param.grad.zero_()
                param -= lr * param.grad
    return losses
"""),
    *descent(MISTAKE, "step_uphill", names=("minus|uphill",), tf_descent=TF_DESCENT.replace("assign_sub", "assign_add"),
             torch_descent=TORCH_DESCENT.replace("param -= lr", "param += lr")),
    *descent(MISTAKE, "learning_rate_forgotten", names=("learning rate",),
             tf_descent=TF_DESCENT.replace("assign_sub(lr * grad)", "assign_sub(grad)"),
             torch_descent=TORCH_DESCENT.replace("param -= lr * param.grad", "param -= param.grad")),
    *descent(MISTAKE, "tol_ignored", names=("tol",),
             tf_descent=TF_DESCENT.replace("len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol", "False"),
             torch_descent=TORCH_DESCENT.replace("len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol", "False")),
    *descent(MISTAKE, "one_step_short", names=("max_steps",),
             tf_descent=TF_DESCENT.replace("range(max_steps)", "range(max_steps - 1)"),
             torch_descent=TORCH_DESCENT.replace("range(max_steps)", "range(1, max_steps)")),
    *descent(MISTAKE, "loss_after_the_step", names=("before",), tf_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses = []
    for _ in range(max_steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        for param, grad in zip(params, tape.gradient(loss, params)):
            param.assign_sub(lr * grad)
        losses.append(float(loss_fn()))
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
    return losses
""", torch_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses = []
    for _ in range(max_steps):
        loss_fn().backward()
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad.zero_()
            losses.append(loss_fn().item())
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
    return losses
"""),
    *descent(MISTAKE, "tensors_in_the_list", names=("Python float",),
             tf_descent=TF_DESCENT.replace("losses.append(float(loss))", "losses.append(loss)"),
             torch_descent=TORCH_DESCENT.replace("losses.append(loss.item())", "losses.append(loss)")),
    *descent(MISTAKE, "stop_test_after_the_update", names=("stop", "before"), tf_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses = []
    for _ in range(max_steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        losses.append(float(loss))
        for param, grad in zip(params, tape.gradient(loss, params)):
            param.assign_sub(lr * grad)
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
    return losses
""", torch_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses = []
    for _ in range(max_steps):
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad.zero_()
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
    return losses
"""),
    *descent(MISTAKE, "update_outside_no_grad", names=("no_grad",), torch_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses = []
    for _ in range(max_steps):
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()
    return losses
"""),
    *descent(MISTAKE, "variance_for_standard_deviation", names=("standard deviation",), tf_init="""
def init_params(shape, sigma):
    return tf.random.normal(shape, mean=0.0, stddev=sigma ** 2)
""", torch_init="""
def init_params(shape, sigma):
    return torch.normal(0.0, sigma ** 2, size=shape)
"""),
    *descent(MISTAKE, "uniform_not_normal", names=("uniform", "normal"), tf_init="""
def init_params(shape, sigma):
    return tf.random.uniform(shape, -sigma, sigma)
""", torch_init="""
def init_params(shape, sigma):
    return sigma * (2 * torch.rand(shape) - 1)
"""),
    *descent(MISTAKE, "zeros", names=("zeros", "random"), tf_init="""
def init_params(shape, sigma):
    return tf.zeros(shape)
""", torch_init="""
def init_params(shape, sigma):
    return torch.zeros(shape)
"""),
    *descent(MISTAKE, "numpy_sampler", names=("NumPy",), tf_init="""
def init_params(shape, sigma):
    return np.random.normal(0.0, sigma, size=shape)
""", torch_init="""
def init_params(shape, sigma):
    return np.random.normal(0.0, sigma, size=shape)
"""),
    *descent(MISTAKE, "float64_from_numpy", names=("float64", "float32"), tf_init="""
def init_params(shape, sigma):
    return tf.convert_to_tensor(np.random.normal(0.0, sigma, size=shape))
""", torch_init="""
def init_params(shape, sigma):
    return torch.from_numpy(np.random.normal(0.0, sigma, size=shape))
"""),
    *descent(ALTERNATIVE, "assign_and_data", tf_init="""
def init_params(shape, sigma):
    return tf.Variable(sigma * tf.random.normal(shape))
""", tf_descent="""
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
""", torch_init="""
def init_params(shape, sigma):
    return torch.normal(0.0, sigma, size=shape)
""", torch_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses, step = [], 0
    while step < max_steps:
        step += 1
        loss = loss_fn()
        loss.backward()
        losses.append(float(loss.detach()))
        if step > 1 and abs(losses[-1] - losses[-2]) < tol:
            break
        for param in params:
            param.data -= lr * param.grad
            param.grad = None
    return losses
"""),
    *descent(ALTERNATIVE, "previous_loss_kept", tf_init="""
def init_params(shape, sigma):
    return tf.random.normal(shape) * sigma
""", tf_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses, previous = [], None
    for _ in range(max_steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        losses.append(float(loss.numpy()))
        if previous is not None and abs(previous - losses[-1]) < tol:
            break
        previous = losses[-1]
        grads = tape.gradient(loss, params)
        for param, grad in zip(params, grads):
            param.assign(param - lr * grad)
    return losses
""", torch_init="""
def init_params(shape, sigma):
    return torch.empty(shape).normal_(mean=0.0, std=sigma)
""", torch_descent="""
def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    losses, previous = [], None
    for _ in range(max_steps):
        for param in params:
            param.grad = None
        loss = loss_fn()
        grads = torch.autograd.grad(loss, params)
        losses.append(loss.item())
        if previous is not None and abs(previous - losses[-1]) < tol:
            break
        previous = losses[-1]
        with torch.no_grad():
            for param, grad in zip(params, grads):
                param.sub_(lr * grad)
    return losses
"""),
    # ---- learning_rates (one cell for both frameworks)
    *rates(MISTAKE, "too_large_does_not_diverge", 'return {"too small": 0.05, "stable": 1.0, "too large": 2.0}',
           names=("too large", "diverge")),
    *rates(MISTAKE, "stable_still_on_the_plateau", 'return {"too small": 0.01, "stable": 0.1, "too large": 5.0}',
           names=("stable", "larger")),
    *rates(MISTAKE, "stable_diverges", 'return {"too small": 0.01, "stable": 3.0, "too large": 10.0}',
           names=("stable", "diverges")),
    *rates(MISTAKE, "too_small_that_works", 'return {"too small": 0.5, "stable": 1.0, "too large": 5.0}',
           names=("too small", "working")),
    *rates(MISTAKE, "keys_with_underscores", 'return {"too_small": 0.01, "stable": 1.0, "too_large": 5.0}',
           names=("keys",)),
    *rates(MISTAKE, "small_and_large_swapped", 'return {"too small": 5.0, "stable": 1.0, "too large": 0.01}',
           names=("swapped",)),
    *rates(MISTAKE, "zero_is_too_small", 'return {"too small": 0.0, "stable": 1.0, "too large": 5.0}',
           names=("positive",)),
    *rates(MISTAKE, "rates_as_strings", 'return {"too small": "0.01", "stable": "1.0", "too large": "5.0"}',
           names=("number",)),
    *rates(MISTAKE, "a_list_of_rates", 'return [0.01, 1.0, 5.0]', names=("dict",)),
    *rates(ALTERNATIVE, "other_rates_that_work", """
        rates = {}
        rates["stable"] = 0.5
        rates["too large"] = 10
        rates["too small"] = 0.01
        return rates
        """.strip().replace("\n        ", "\n")),
    *rates(ALTERNATIVE, "powers_of_ten_and_numpy", """
        small, stable, large = np.float64(1e-3), 10 ** -0.25, 1e3
        return dict(zip(["too small", "stable", "too large"], [small, stable, large]))
        """.strip().replace("\n        ", "\n")),
    # ---- optimizer_loop
    *loop(MISTAKE, "loss_outside_the_tape", names=("inside", "GradientTape"), tf="""
        losses = []
        for _ in range(steps):
            loss = loss_fn()
            with tf.GradientTape() as tape:
                pass
            grads = tape.gradient(loss, params)
            optimizer.apply_gradients(zip(grads, params))
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "zero_grad_forgotten", names=("zero_grad",), torch="""
        losses = []
        for _ in range(steps):
            loss = loss_fn()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "zero_grad_between_backward_and_step", names=("order",), torch="""
        losses = []
        for _ in range(steps):
            loss = loss_fn()
            loss.backward()
            optimizer.zero_grad()
            optimizer.step()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "step_before_backward", names=("order",), torch="""
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            optimizer.step()
            loss.backward()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "a_hand_written_step", names=("hand-written", "optimizer"), tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            for param, grad in zip(params, tape.gradient(loss, params)):
                param.assign_sub(optimizer.learning_rate * grad)
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        lr = optimizer.param_groups[0]["lr"]
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "tensors_in_the_list", names=("Python float",), tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
            losses.append(loss)
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            optimizer.step()
            losses.append(loss)
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "loss_after_the_step", names=("before",), tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
            losses.append(float(loss_fn()))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss_fn().backward()
            optimizer.step()
            losses.append(loss_fn().item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "gradients_negated", names=("minus|sign",), tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            grads = tape.gradient(loss, params)
            optimizer.apply_gradients(zip([-g for g in grads], params))
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            (-loss).backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "zip_the_wrong_way_round", names=("zip", "(gradient, variable)"), tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            grads = tape.gradient(loss, params)
            optimizer.apply_gradients(zip(params, grads))
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "a_new_optimizer_of_its_own", names=("optimizer", "passed in"), tf="""
        losses = []
        optimizer = tf.keras.optimizers.Adam()
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        optimizer = torch.optim.Adam(params)
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(MISTAKE, "one_step_short", names=("5 losses",), tf="""
        losses = []
        for _ in range(1, steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
            losses.append(float(loss))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        for _ in range(steps - 1):
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(ALTERNATIVE, "apply_and_set_to_none", tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
            optimizer.apply(tape.gradient(loss, params), params)
            losses.append(loss.numpy().item())
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []
        for _ in range(steps):
            loss = loss_fn()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
        return losses
        """.strip().replace("\n        ", "\n")),
    *loop(ALTERNATIVE, "pairs_and_a_closure", tf="""
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn()
                grads = tape.gradient(loss, params)
            optimizer.apply_gradients([(g, p) for g, p in zip(grads, params)])
            losses.append(float(loss.numpy()))
        return losses
        """.strip().replace("\n        ", "\n"), torch="""
        losses = []

        def closure():
            optimizer.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        for _ in range(steps):
            losses.append(optimizer.step(closure).item())
        return losses
        """.strip().replace("\n        ", "\n")),
    # ---- adam
    *adam(MISTAKE, "no_bias_correction", names=("bias correction",), both="""
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        w = w - lr * m / ({sqrt}(v) + eps)
        return w, m, v
        """.strip().replace("\n        ", "\n")),
    *adam(MISTAKE, "eps_inside_the_root", names=("inside", "square root"),
          both=ADAM.replace("({sqrt}(v_hat) + eps)", "{sqrt}(v_hat + eps)")),
    *adam(MISTAKE, "square_root_forgotten", names=("square root",),
          both=ADAM.replace("({sqrt}(v_hat) + eps)", "(v_hat + eps)")),
    *adam(MISTAKE, "betas_swapped", names=("swapped",),
          both=ADAM.replace("beta1 * m + (1 - beta1)", "beta2 * m + (1 - beta2)")
                   .replace("beta2 * v + (1 - beta2)", "beta1 * v + (1 - beta1)")),
    *adam(MISTAKE, "old_state_returned", names=("m and v", "updated"), both="""
        m_new = beta1 * m + (1 - beta1) * g
        v_new = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m_new / (1 - beta1 ** t)
        v_hat = v_new / (1 - beta2 ** t)
        return w - lr * m_hat / ({sqrt}(v_hat) + eps), m, v
        """.strip().replace("\n        ", "\n")),
    *adam(MISTAKE, "corrected_moments_returned", names=("m_hat", "uncorrected|raw"), both="""
        m = (beta1 * m + (1 - beta1) * g) / (1 - beta1 ** t)
        v = (beta2 * v + (1 - beta2) * g ** 2) / (1 - beta2 ** t)
        w = w - lr * m / ({sqrt}(v) + eps)
        return w, m, v
        """.strip().replace("\n        ", "\n")),
    *adam(MISTAKE, "step_uphill", names=("wrong way",), both=ADAM.replace("w = w - lr", "w = w + lr")),
    *adam(MISTAKE, "v_of_g_not_g_squared", names=("g^2",), both=ADAM.replace("g ** 2", "g")),
    *adam(MISTAKE, "only_m_corrected", names=("v_hat|1 - beta2^t",),
          both=ADAM.replace("v_hat = v / (1 - beta2 ** t)", "v_hat = v")),
    *adam(MISTAKE, "t_counted_from_zero", names=("t - 1|t + 1|off by one",),
          both=ADAM.replace("beta1 ** t", "beta1 ** (t + 1)").replace("beta2 ** t", "beta2 ** (t + 1)")),
    *adam(MISTAKE, "math_sqrt", names=("math.sqrt|elementwise",),
          both="import math\n" + ADAM.replace("{sqrt}(v_hat)", "math.sqrt(v_hat)")),
    *adam(MISTAKE, "weights_changed_in_place", names=("in place",), torch="""
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        w -= lr * m_hat / (torch.sqrt(v_hat) + eps)
        return w, m, v
        """.strip().replace("\n        ", "\n")),
    *adam(ALTERNATIVE, "step_size_form_of_the_paper", tf="""
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        step = lr * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
        w = w - step * m / (v ** 0.5 + eps * (1 - beta2 ** t) ** 0.5)
        return w, m, v
        """.strip().replace("\n        ", "\n"), torch="""
        m = torch.lerp(g, m, beta1)  # beta1 m + (1 - beta1) g
        v = torch.lerp(g * g, v, beta2)
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        return w - lr * m_hat / (v_hat.sqrt() + eps), m, v
        """.strip().replace("\n        ", "\n")),
    *adam(ALTERNATIVE, "state_updated_in_place", tf="""
        m = m + (1 - beta1) * (g - m)
        v = v + (1 - beta2) * (tf.square(g) - v)
        denominator = tf.math.sqrt(v / (1 - beta2 ** t)) + eps
        return w - lr / (1 - beta1 ** t) * m / denominator, m, v
        """.strip().replace("\n        ", "\n"), torch="""
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        denominator = (v / (1 - beta2 ** t)).sqrt().add_(eps)
        return w - lr * (m / (1 - beta1 ** t)) / denominator, m, v
        """.strip().replace("\n        ", "\n")),
]


def predict(kind, name, body, *, names=()):
    """A predict_divergence cell (one for both frameworks) whose body is `body`."""
    return variants(LAB, kind, "predict_divergence", name, names=names,
                    both="def predict_divergence():\n" + "".join(f"    {line}\n" for line in body.strip().splitlines()))


PREDICT_DIVERGENCE = [
    *predict(MISTAKE, "downhill_always", 'return "a"', names=("not (a)", "short enough", "115")),
    *predict(MISTAKE, "overshoot_is_divergence", 'return "c"', names=("not (c)", "not the same as diverging", "0.035")),
    *predict(MISTAKE, "half_or_more_overshoots", 'return "d"', names=("not (d)", "in one step")),
    *predict(MISTAKE, "the_rate_as_a_number", "return 1.1", names=("as a string", "got float")),
    *predict(MISTAKE, "the_rate_as_text", 'return "1.1"', names=("one of the letters", "'1.1'")),
    *predict(MISTAKE, "no_such_letter", 'return "e"', names=("one of the letters", "'e'")),
    *predict(MISTAKE, "both_letters", 'return "b, c"', names=("one of the letters", "'b, c'")),
    *predict(MISTAKE, "a_list", 'return ["b"]', names=("as a string", "got list")),
    *predict(ALTERNATIVE, "capital", 'return "B"'),
    *predict(ALTERNATIVE, "in_parentheses", 'return "(b)"'),
    *predict(ALTERNATIVE, "with_spaces_and_bracket", 'answer = " b) "\nreturn answer'),
]

RIGHT = {"replaced_weight": "a", "fresh_optimizer": "c"}


def museum(kind, name, body, *, names=()):
    """A bug_museum cell (one for both frameworks) whose body is `body`."""
    return variants(LAB, kind, "bug_museum", name, names=names,
                    both="def bug_museum():\n" + "".join(f"    {line}\n" for line in body.strip().splitlines()))


def museum_answer(**changes) -> str:
    """The body returning the right letters with `changes` (exhibit=letter) made."""
    return f"return {({**RIGHT, **changes})!r}"


BUG_MUSEUM = [
    *museum(MISTAKE, "tape_used_once", museum_answer(replaced_weight="b"),
            names=("['replaced_weight']", "its own forward pass")),
    *museum(MISTAKE, "overshot", museum_answer(replaced_weight="c"), names=("['replaced_weight']", "2.4 = 3 - 0.1 * 6")),
    *museum(MISTAKE, "zero_gradient", museum_answer(replaced_weight="d"), names=("['replaced_weight']", "no None")),
    *museum(MISTAKE, "rate_too_large", museum_answer(fresh_optimizer="a"),
            names=("['fresh_optimizer']", "swings shrink")),
    *museum(MISTAKE, "weight_reset", museum_answer(fresh_optimizer="b"),
            names=("['fresh_optimizer']", "its own state")),
    *museum(MISTAKE, "momentum", museum_answer(fresh_optimizer="d"), names=("['fresh_optimizer']", "no momentum")),
    *museum(MISTAKE, "an_exhibit_missing", 'return {"replaced_weight": "a"}', names=("keys", "'fresh_optimizer'")),
    *museum(MISTAKE, "a_key_misspelled", 'return {"replaced_weights": "a", "fresh_optimizer": "c"}',
            names=("keys", "'replaced_weight'")),
    *museum(MISTAKE, "letters_in_a_string", 'return "ac"', names=("should return a dict", "got str")),
    *museum(MISTAKE, "letters_in_a_list", 'return ["a", "c"]', names=("should return a dict", "got list")),
    *museum(MISTAKE, "a_number_for_a_letter", museum_answer(fresh_optimizer=3),
            names=("['fresh_optimizer']", "as a string", "got int")),
    *museum(MISTAKE, "letters_swapped", museum_answer(replaced_weight="c", fresh_optimizer="a"),
            names=("['replaced_weight']", "not (c)")),
    *museum(ALTERNATIVE, "capitals", 'return {"replaced_weight": "A", "fresh_optimizer": "C"}'),
    *museum(ALTERNATIVE, "bracketed_other_order", 'return {"fresh_optimizer": "(c)", "replaced_weight": " a) "}'),
    *museum(ALTERNATIVE, "built_with_zip", 'return dict(zip(["replaced_weight", "fresh_optimizer"], "ac"))'),
]

VARIANTS += [*PREDICT_DIVERGENCE, *BUG_MUSEUM]
