"""Lab 01, the perceptron: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "01_perceptron"

def _activations(sigmoid: str, tanh: str, relu: str) -> str:
    """One activations cell from its three function bodies (each a `return ...` line or several lines)."""
    def function(name, body):
        return f"def {name}(z):\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())
    return "\n\n".join(function(name, body) for name, body in (("sigmoid", sigmoid), ("tanh", tanh), ("relu", relu)))


def _derivatives(sigmoid: str, tanh: str, relu: str) -> str:
    def function(name, body):
        return f"def {name}_derivative(z):\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())
    return "\n\n".join(function(name, body) for name, body in (("sigmoid", sigmoid), ("tanh", tanh), ("relu", relu)))


TF_SIGMOID, TORCH_SIGMOID = "return 1 / (1 + tf.exp(-z))", "return 1 / (1 + torch.exp(-z))"
TF_TANH, TORCH_TANH = "return 2 / (1 + tf.exp(-2 * z)) - 1", "return 2 / (1 + torch.exp(-2 * z)) - 1"
TF_RELU, TORCH_RELU = "return tf.maximum(z, 0.0)", "return torch.clamp(z, min=0.0)"

TF_SIGMOID_D, TORCH_SIGMOID_D = "s = sigmoid(z)\nreturn s * (1 - s)", "s = sigmoid(z)\nreturn s * (1 - s)"
TF_TANH_D = TORCH_TANH_D = "return 1 - tanh(z) ** 2"
TF_RELU_D, TORCH_RELU_D = "return tf.cast(z > 0, z.dtype)", "return (z > 0).to(z.dtype)"


def activations(kind, name, *, names=(), known_disagreement="", tf=(), torch=()):
    """Variants of the activations cell: tf / torch are (sigmoid, tanh, relu) bodies, None for the solution's."""
    sources = {}
    for framework, bodies, solution in (("tensorflow", tf, (TF_SIGMOID, TF_TANH, TF_RELU)),
                                        ("torch", torch, (TORCH_SIGMOID, TORCH_TANH, TORCH_RELU))):
        if bodies:
            sources[framework] = _activations(*(body or default for body, default in zip(bodies, solution)))
    return variants(LAB, kind, "activations", name, names=names, known_disagreement=known_disagreement, **sources)


def derivatives(kind, name, *, names=(), tf=(), torch=()):
    sources = {}
    for framework, bodies, solution in (("tensorflow", tf, (TF_SIGMOID_D, TF_TANH_D, TF_RELU_D)),
                                        ("torch", torch, (TORCH_SIGMOID_D, TORCH_TANH_D, TORCH_RELU_D))):
        if bodies:
            sources[framework] = _derivatives(*(body or default for body, default in zip(bodies, solution)))
    return variants(LAB, kind, "derivatives", name, names=names, **sources)


VARIANTS = [
    # ---- activations
    *activations(MISTAKE, "sigmoid_sign_flipped", names=("sign",),
                 tf=("return 1 / (1 + tf.exp(z))", None, None), torch=("return 1 / (1 + torch.exp(z))", None, None)),
    *activations(MISTAKE, "sigmoid_one_minus", names=("1 - sigmoid",),
                 tf=("return tf.exp(-z) / (1 + tf.exp(-z))", None, None),
                 torch=("return torch.exp(-z) / (1 + torch.exp(-z))", None, None)),
    *activations(MISTAKE, "calls_the_framework_sigmoid", names=("framework's own", "formula"),
                 tf=("return tf.math.sigmoid(z)", None, None), torch=("return torch.sigmoid(z)", None, None)),
    *activations(MISTAKE, "calls_the_framework_relu", names=("framework's own", "formula"),
                 tf=(None, None, "return tf.nn.relu(z)"), torch=(None, None, "return torch.relu(z)")),
    *activations(MISTAKE, "tanh_overflows", names=("overflow", "inf"),
                 tf=(None, "return (tf.exp(z) - tf.exp(-z)) / (tf.exp(z) + tf.exp(-z))", None),
                 torch=(None, "return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))", None)),
    *activations(MISTAKE, "tanh_half_argument", names=("2z",),
                 tf=(None, "return 2 * sigmoid(z) - 1", None), torch=(None, "return 2 * sigmoid(z) - 1", None)),
    *activations(MISTAKE, "relu_minimum", names=("maximum", "minimum"),
                 tf=(None, None, "return tf.minimum(z, 0.0)"), torch=(None, None, "return torch.clamp(z, max=0.0)")),
    *activations(MISTAKE, "relu_is_the_step", names=("derivative",),
                 tf=(None, None, "return tf.cast(z > 0, tf.float32)"), torch=(None, None, "return (z > 0).float()")),
    *activations(MISTAKE, "sigmoid_through_numpy", names=("NumPy", "autograd"),
                 tf=("return tf.constant(1 / (1 + np.exp(-z.numpy())))", None, None),
                 torch=("return torch.tensor(1 / (1 + np.exp(-z.detach().numpy())))", None, None)),
    *activations(MISTAKE, "relu_in_place", names=("in place", "clone|copy"),
                 torch=(None, None, "z[z < 0] = 0\nreturn z")),
    *activations(HIDDEN_ONLY, "relu_zeros_of_len", names=("any shape",),
                 tf=(None, None, "return tf.maximum(z, tf.zeros(len(z)))"),
                 torch=(None, None, "return torch.maximum(z, torch.zeros(len(z)))")),
    *activations(HIDDEN_ONLY, "sigmoid_one_value_at_a_time", names=("any shape",),
                 tf=("return tf.stack([1 / (1 + tf.exp(-value)) for value in z])", None, None),
                 torch=("return torch.stack([1 / (1 + torch.exp(-value)) for value in z])", None, None)),
    *activations(ALTERNATIVE, "tanh_with_the_sign",
                 tf=(None, "e = tf.exp(-2 * tf.abs(z))\nreturn tf.sign(z) * (1 - e) / (1 + e)", None),
                 torch=(None, "return 2 * sigmoid(2 * z) - 1", None)),
    *activations(ALTERNATIVE, "other_formulas",
                 tf=("e = tf.exp(z)\nreturn e / (e + 1)", None, "return tf.where(z > 0, z, tf.zeros_like(z))"),
                 torch=("e = torch.exp(z)\nreturn e / (e + 1)", None, "return torch.where(z > 0, z, torch.zeros_like(z))")),
    *activations(ALTERNATIVE, "half_sums",
                 tf=("return 0.5 * (1 + tanh(z / 2))", None, "return (z + tf.abs(z)) / 2"),
                 torch=("return 0.5 * (1 + tanh(z / 2))", None, "return (z + torch.abs(z)) / 2")),
    # ---- derivatives
    *derivatives(MISTAKE, "sigmoid_derivative_of_z", names=("sigmoid(z)", "not to z"),
                 tf=("return z * (1 - z)", None, None), torch=("return z * (1 - z)", None, None)),
    *derivatives(MISTAKE, "sigmoid_derivative_plus", names=("(1 - sigmoid(z))",),
                 tf=("s = sigmoid(z)\nreturn s * (1 + s)", None, None),
                 torch=("s = sigmoid(z)\nreturn s * (1 + s)", None, None)),
    *derivatives(MISTAKE, "tanh_derivative_unsquared", names=("square",),
                 tf=(None, "return 1 - tanh(z)", None), torch=(None, "return 1 - tanh(z)", None)),
    *derivatives(MISTAKE, "tanh_derivative_sech_unsquared", names=("squared",),
                 tf=(None, "return 1 / tf.cosh(z)", None), torch=(None, "return 1 / torch.cosh(z)", None)),
    *derivatives(MISTAKE, "relu_derivative_is_relu", names=("ReLU itself",),
                 tf=(None, None, "return tf.maximum(z, 0.0)"), torch=(None, None, "return torch.clamp(z, min=0.0)")),
    *derivatives(MISTAKE, "relu_derivative_boolean", names=("booleans", "float32"),
                 tf=(None, None, "return z > 0"), torch=(None, None, "return z > 0")),
    *derivatives(MISTAKE, "relu_derivative_integers", names=("integers", "float32"),
                 tf=(None, None, "return tf.cast(z > 0, tf.int32)"), torch=(None, None, "return (z > 0).long()")),
    *derivatives(HIDDEN_ONLY, "relu_derivative_at_zero_is_one", names=("z = 0", "z > 0"),
                 tf=(None, None, "return tf.cast(z >= 0, z.dtype)"), torch=(None, None, "return (z >= 0).float()")),
    *derivatives(HIDDEN_ONLY, "relu_derivative_relu_over_z", names=("z = 0", "nan"),
                 tf=(None, None, "return relu(z) / z"), torch=(None, None, "return relu(z) / z")),
    *derivatives(ALTERNATIVE, "written_out",
                 tf=("return tf.exp(-z) / (1 + tf.exp(-z)) ** 2", "return 1 / tf.cosh(z) ** 2",
                     "return tf.where(z > 0, tf.ones_like(z), tf.zeros_like(z))"),
                 torch=("return torch.exp(-z) / (1 + torch.exp(-z)) ** 2", "return 1 / torch.cosh(z) ** 2",
                        "return torch.heaviside(z, torch.tensor(0.0))")),
    *derivatives(ALTERNATIVE, "by_autograd",
                 tf=("with tf.GradientTape() as tape:\n    tape.watch(z)\n    s = sigmoid(z)\n"
                     "return tape.gradient(s, z)", None, "return tf.sign(relu(z))"),
                 torch=("z = z.detach().requires_grad_(True)\nsigmoid(z).sum().backward()\nreturn z.grad", None,
                        "return torch.sign(relu(z))")),
    # ---- perceptron
    *variants(LAB, MISTAKE, "perceptron", "bias_missing", names=("bias w0 is missing",), tensorflow="""
        def perceptron(X, w0, W, g):
            return g(tf.linalg.matvec(X, W))
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(X @ W)
        """),
    *variants(LAB, MISTAKE, "perceptron", "no_activation", names=("activation g is not applied",), tensorflow="""
        def perceptron(X, w0, W, g):
            return w0 + tf.linalg.matvec(X, W)
        """, torch="""
        def perceptron(X, w0, W, g):
            return w0 + X @ W
        """),
    *variants(LAB, MISTAKE, "perceptron", "bias_subtracted", names=("bias is subtracted",), tensorflow="""
        def perceptron(X, w0, W, g):
            return g(tf.linalg.matvec(X, W) - w0)
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(X @ W - w0)
        """),
    *variants(LAB, MISTAKE, "perceptron", "bias_after_g", names=("bias", "after g"), tensorflow="""
        def perceptron(X, w0, W, g):
            return g(tf.linalg.matvec(X, W)) + w0
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(X @ W) + w0
        """),
    *variants(LAB, MISTAKE, "perceptron", "elementwise_product", names=("elementwise", "sum"), both="""
        def perceptron(X, w0, W, g):
            return g(w0 + X * W)
        """),
    *variants(LAB, MISTAKE, "perceptron", "summed_over_the_examples", names=("axis 1|axis=1",), tensorflow="""
        def perceptron(X, w0, W, g):
            return g(w0 + tf.reduce_sum(X * W, axis=0))
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(w0 + torch.sum(X * W, dim=0))
        """),
    *variants(LAB, MISTAKE, "perceptron", "W_as_a_column", names=("axis of size 1", "squeeze"), tensorflow="""
        def perceptron(X, w0, W, g):
            return g(w0 + tf.matmul(X, tf.reshape(W, (-1, 1))))
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(w0 + X @ W.reshape(-1, 1))
        """),
    *variants(LAB, MISTAKE, "perceptron", "matrix_product_with_a_vector", names=("matvec|transpose",),
              tensorflow="""
        def perceptron(X, w0, W, g):
            return g(w0 + tf.matmul(X, W))
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(w0 + X.T @ W)
        """),
    *variants(LAB, HIDDEN_ONLY, "perceptron", "always_sigmoid", names=("sigmoid", "argument g"), tensorflow="""
        def perceptron(X, w0, W, g):
            return sigmoid(w0 + tf.linalg.matvec(X, W))
        """, torch="""
        def perceptron(X, w0, W, g):
            return sigmoid(w0 + X @ W)
        """),
    *variants(LAB, ALTERNATIVE, "perceptron", "one_row_at_a_time", tensorflow="""
        def perceptron(X, w0, W, g):
            outputs = []
            for x in tf.unstack(X):
                outputs.append(g(w0 + tf.tensordot(x, W, axes=1)))
            return tf.stack(outputs)
        """, torch="""
        def perceptron(X, w0, W, g):
            outputs = []
            for x in X:
                outputs.append(g(w0 + torch.dot(x, W)))
            return torch.stack(outputs)
        """),
    *variants(LAB, ALTERNATIVE, "perceptron", "weighted_sum_by_hand", tensorflow="""
        def perceptron(X, w0, W, g):
            z = w0 + tf.reduce_sum(X * W, axis=1)
            return g(z)
        """, torch="""
        def perceptron(X, w0, W, g):
            z = w0 + (X * W).sum(dim=1)
            return g(z)
        """),
    *variants(LAB, ALTERNATIVE, "perceptron", "einsum", tensorflow="""
        def perceptron(X, w0, W, g):
            return g(tf.einsum("nd,d->n", X, W) + w0)
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(torch.einsum("nd,d->n", X, W) + w0)
        """),
    # ---- lecture_example
    *variants(LAB, MISTAKE, "lecture_example", "bias_forgotten", names=("bias w0 = 1 is missing",), tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            W = tf.constant([3.0, -2.0])
            z = perceptron(x, 0.0, W, lambda z: z)[0]
            return z, sigmoid(z)
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            W = torch.tensor([3.0, -2.0])
            z = perceptron(x, 0.0, W, lambda z: z)[0]
            return z, sigmoid(z)
        """),
    *variants(LAB, MISTAKE, "lecture_example", "only_y_hat", names=("pair",), tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            return perceptron(x, 1.0, tf.constant([3.0, -2.0]), sigmoid)[0]
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            return perceptron(x, 1.0, torch.tensor([3.0, -2.0]), sigmoid)[0]
        """),
    *variants(LAB, MISTAKE, "lecture_example", "pair_in_the_wrong_order", names=("wrong order",), tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            z = perceptron(x, 1.0, tf.constant([3.0, -2.0]), lambda z: z)[0]
            y_hat = sigmoid(z)
            return y_hat, z
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            z = perceptron(x, 1.0, torch.tensor([3.0, -2.0]), lambda z: z)[0]
            y_hat = sigmoid(z)
            return y_hat, z
        """),
    *variants(LAB, MISTAKE, "lecture_example", "z_through_the_sigmoid", names=("z went through the sigmoid",),
              tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            z = perceptron(x, 1.0, tf.constant([3.0, -2.0]), sigmoid)[0]
            return z, sigmoid(z)
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            z = perceptron(x, 1.0, torch.tensor([3.0, -2.0]), sigmoid)[0]
            return z, sigmoid(z)
        """),
    *variants(LAB, MISTAKE, "lecture_example", "a_batch_of_one", names=("shape", "axis of size 1"), tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            z = perceptron(x, 1.0, tf.constant([3.0, -2.0]), lambda z: z)
            return z, sigmoid(z)
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            z = perceptron(x, 1.0, torch.tensor([3.0, -2.0]), lambda z: z)
            return z, sigmoid(z)
        """),
    *variants(LAB, MISTAKE, "lecture_example", "slide_figure_typed_in", names=("slide", "typing it in"),
              tensorflow="""
        def lecture_example():
            return tf.constant(-6.0), tf.constant(0.002)
        """, torch="""
        def lecture_example():
            return torch.tensor(-6.0), torch.tensor(0.002)
        """),
    *variants(LAB, MISTAKE, "lecture_example", "rounded_answer_typed_in", names=("rounded", "typing it in"),
              tensorflow="""
        def lecture_example():
            z = tf.constant(1.0 + (-1.0) * 3.0 + 2.0 * (-2.0))
            return z, tf.constant(0.0025)
        """, torch="""
        def lecture_example():
            z = torch.tensor(1.0 + (-1.0) * 3.0 + 2.0 * (-2.0))
            return z, torch.tensor(0.0025)
        """),
    *variants(LAB, MISTAKE, "lecture_example", "weights_sign_flipped", names=("wrong sign",), tensorflow="""
        def lecture_example():
            x = tf.constant([[-1.0, 2.0]])
            z = 1.0 - perceptron(x, 0.0, tf.constant([3.0, -2.0]), lambda z: z)[0]
            return z, sigmoid(z)
        """, torch="""
        def lecture_example():
            x = torch.tensor([[-1.0, 2.0]])
            z = 1.0 - perceptron(x, 0.0, torch.tensor([3.0, -2.0]), lambda z: z)[0]
            return z, sigmoid(z)
        """),
    *variants(LAB, ALTERNATIVE, "lecture_example", "by_hand", tensorflow="""
        def lecture_example():
            z = tf.constant(1.0 + (-1.0) * 3.0 + 2.0 * (-2.0))
            y_hat = 1 / (1 + tf.exp(-z))
            return z, y_hat
        """, torch="""
        def lecture_example():
            z = torch.tensor(1.0 + (-1.0) * 3.0 + 2.0 * (-2.0))
            y_hat = 1 / (1 + torch.exp(-z))
            return z, y_hat
        """),
    *variants(LAB, ALTERNATIVE, "lecture_example", "two_perceptron_calls", tensorflow="""
        def lecture_example():
            X = tf.constant([[-1.0, 2.0]])
            W = tf.constant([3.0, -2.0])
            z = tf.squeeze(perceptron(X, 1.0, W, tf.identity))
            y_hat = tf.squeeze(perceptron(X, 1.0, W, sigmoid))
            return z, y_hat
        """, torch="""
        def lecture_example():
            X = torch.tensor([[-1.0, 2.0]])
            W = torch.tensor([3.0, -2.0])
            z = perceptron(X, 1.0, W, lambda v: v).squeeze()
            y_hat = perceptron(X, 1.0, W, sigmoid).squeeze()
            return z, y_hat
        """),
    *variants(LAB, ALTERNATIVE, "lecture_example", "dot_product", tensorflow="""
        def lecture_example():
            z = 1.0 + tf.reduce_sum(tf.constant([-1.0, 2.0]) * tf.constant([3.0, -2.0]))
            return z, sigmoid(z)
        """, torch="""
        def lecture_example():
            z = 1.0 + torch.dot(torch.tensor([-1.0, 2.0]), torch.tensor([3.0, -2.0]))
            return z, sigmoid(z)
        """),
    # ---- decision_boundary (one cell for both frameworks)
    *variants(LAB, MISTAKE, "decision_boundary", "inequality_reversed", names=("reversed",), both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] < 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "solved_for_x2_wrongly", names=("solve for x2",), both="""
        def boundary_x2(x1):
            return (1 - 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] > 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "boundary_sign_flipped", names=("sign",), both="""
        def boundary_x2(x1):
            return -(1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] > 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "boundary_without_the_bias", names=("constant term",), both="""
        def boundary_x2(x1):
            return 3 * x1 / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] > 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "z_not_compared", names=("z itself", "compare"), both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1]
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "x1_x2_swapped", names=("swapped",), both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            x2, x1 = X[:, 0], X[:, 1]
            return 1 + 3 * x1 - 2 * x2 > 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "rows_for_columns", names=("rows", "columns"), both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[0] - 2 * X[1] > 0
        """),
    *variants(LAB, MISTAKE, "decision_boundary", "numbers_not_booleans", names=("boolean",), tensorflow="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return tf.cast(1 + 3 * X[:, 0] - 2 * X[:, 1] > 0, tf.float32)
        """, torch="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return (1 + 3 * X[:, 0] - 2 * X[:, 1] > 0).float()
        """),
    *variants(LAB, HIDDEN_ONLY, "decision_boundary", "on_the_line_counts_as_positive", names=("on the line", ">="),
              both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] >= 0
        """),
    *variants(LAB, HIDDEN_ONLY, "decision_boundary", "visible_answer_typed_in", names=("typed in",), tensorflow="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return tf.constant([True, False, True, True, False])
        """, torch="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return torch.tensor([True, False, True, True, False])
        """),
    *variants(LAB, ALTERNATIVE, "decision_boundary", "rearranged", both="""
        def boundary_x2(x1):
            return 0.5 + 1.5 * x1


        def on_positive_side(X):
            x1, x2 = X[:, 0], X[:, 1]
            return x2 < boundary_x2(x1)
        """),
    *variants(LAB, ALTERNATIVE, "decision_boundary", "through_the_perceptron", tensorflow="""
        def boundary_x2(x1):
            return (-1 - 3 * x1) / -2


        def on_positive_side(X):
            return perceptron(X, 1.0, tf.constant([3.0, -2.0]), sigmoid) > 0.5
        """, torch="""
        def boundary_x2(x1):
            return (-1 - 3 * x1) / -2


        def on_positive_side(X):
            return perceptron(X, 1.0, torch.tensor([3.0, -2.0]), sigmoid) > 0.5
        """),
    # ---- collapse
    *variants(LAB, MISTAKE, "collapse", "first_bias_dropped", names=("first bias",), both="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, b2
        """),
    *variants(LAB, MISTAKE, "collapse", "second_bias_dropped", names=("b2 is missing",), both="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, b1 @ W2
        """) [1:] + variants(LAB, MISTAKE, "collapse", "second_bias_dropped", names=("b2 is missing",), tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, tf.linalg.matvec(W2, b1, transpose_a=True)
        """),
    *variants(LAB, MISTAKE, "collapse", "product_in_the_other_order", names=("W1 @ W2",), both="""
        def collapse_linear(W1, b1, W2, b2):
            W = W2 @ W1
            b = b1 @ W2 + b2
            return W, b
        """) [1:] + variants(LAB, MISTAKE, "collapse", "product_in_the_other_order", names=("W1 @ W2",),
                             tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            W = W2 @ W1
            b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
            return W, b
        """),
    *variants(LAB, MISTAKE, "collapse", "transposes_multiplied", names=("other order",), tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            W = tf.transpose(W2) @ tf.transpose(W1)
            b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
            return W, b
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            W = W2.T @ W1.T
            b = b1 @ W2 + b2
            return W, b
        """),
    *variants(LAB, MISTAKE, "collapse", "b1_on_the_wrong_side", names=("b1 @ W2",), tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, tf.linalg.matvec(W2, b1) + b2
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, W2 @ b1 + b2
        """),
    *variants(LAB, MISTAKE, "collapse", "biases_added", names=("b1 @ W2",), both="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, b1 + b2
        """),
    *variants(LAB, MISTAKE, "collapse", "elementwise_product", names=("matrix product",), tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 * W2, tf.linalg.matvec(W2, b1, transpose_a=True) + b2
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 * W2, b1 @ W2 + b2
        """),
    *variants(LAB, MISTAKE, "collapse", "through_numpy", names=("NumPy",), tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            return np.dot(W1, W2), np.dot(b1, W2) + b2
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            return np.dot(W1, W2), np.dot(b1, W2) + b2.numpy()
        """),
    *variants(LAB, MISTAKE, "collapse", "bias_added_into_b2", names=("in place", "b2"), torch="""
        def collapse_linear(W1, b1, W2, b2):
            W = W1 @ W2
            b = b2
            b += b1 @ W2
            return W, b
        """),
    *variants(LAB, ALTERNATIVE, "collapse", "einsum", tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            W = tf.einsum("ij,jk->ik", W1, W2)
            b = tf.einsum("j,jk->k", b1, W2) + b2
            return W, b
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            W = torch.einsum("ij,jk->ik", W1, W2)
            b = torch.einsum("j,jk->k", b1, W2) + b2
            return W, b
        """),
    *variants(LAB, ALTERNATIVE, "collapse", "probed_with_the_identity", tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            def two_layers(x):
                return (x @ W1 + b1) @ W2 + b2
            d = W1.shape[0]
            b = two_layers(tf.zeros((1, d)))[0]
            W = two_layers(tf.eye(d)) - b
            return W, b
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            def two_layers(x):
                return (x @ W1 + b1) @ W2 + b2
            d = W1.shape[0]
            b = two_layers(torch.zeros(1, d))[0]
            W = two_layers(torch.eye(d)) - b
            return W, b
        """),
    *variants(LAB, ALTERNATIVE, "collapse", "bias_as_a_row", tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            b = tf.matmul(b1[None, :], W2)[0] + b2
            return tf.matmul(W1, W2), b
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            b = (b1.unsqueeze(0) @ W2).squeeze(0) + b2
            return torch.mm(W1, W2), b
        """),
    # ---- predict_scaled_weights (one cell for both frameworks)
    *variants(LAB, MISTAKE, "predict_scaled_weights", "the_bias_moves_the_line", names=("(0, 0.5)",), both="""
        def predict_scaled_weights():
            return "a"
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "steeper_line", names=("divides by 20",), both="""
        def predict_scaled_weights():
            return "b"
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "no_half_left", names=("sigmoid(0) = 0.5", "0.12"), both="""
        def predict_scaled_weights():
            return "d"
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "a_number_for_a_letter", names=("as a string", "got float"),
              both="""
        def predict_scaled_weights():
            return 0.5
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "words_for_a_letter", names=("one of the letters",), both="""
        def predict_scaled_weights():
            return "the same line"
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "no_such_letter", names=("one of the letters", "'e'"),
              both="""
        def predict_scaled_weights():
            return "e"
        """),
    *variants(LAB, MISTAKE, "predict_scaled_weights", "a_list", names=("as a string", "got list"), both="""
        def predict_scaled_weights():
            return ["c"]
        """),
    *variants(LAB, ALTERNATIVE, "predict_scaled_weights", "capital", both="""
        def predict_scaled_weights():
            return "C"
        """),
    *variants(LAB, ALTERNATIVE, "predict_scaled_weights", "in_brackets", both="""
        def predict_scaled_weights():
            return " (c) "
        """),
    *variants(LAB, ALTERNATIVE, "predict_scaled_weights", "with_a_parenthesis", both="""
        def predict_scaled_weights():
            answer = "c)"
            return answer
        """),
    # ---- bug_museum (one cell for both frameworks)
    *variants(LAB, MISTAKE, "bug_museum", "missing_activation_random_weights", names=("['missing_activation']",
              "trained or not"), both="""
        def bug_museum():
            return {"missing_activation": "a", "relu_layer": "b", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "missing_activation_default_sigmoid", names=("no activation unless",),
              both="""
        def bug_museum():
            return {"missing_activation": "b", "relu_layer": "b", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "missing_activation_same_units", names=("at random",), both="""
        def bug_museum():
            return {"missing_activation": "c", "relu_layer": "b", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "relu_refuses_negatives", names=("['relu_layer']", "simply becomes 0"),
              both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "a", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "relu_wants_a_column", names=("truth value", "not about a shape"),
              both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "c", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "relu_kink_at_zero", names=("slope of 0",), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "d", "transposed_batch": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "transposed_bias_per_feature", names=("['transposed_batch']",
              "once per input"), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "b", "transposed_batch": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "transposed_rounding", names=("exact in float32",), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "b", "transposed_batch": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "transposed_weights_too", names=("one axis",), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "b", "transposed_batch": "d"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_left_out", names=("keys", "transposed_batch"), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_list_of_letters", names=("dict", "got list"), both="""
        def bug_museum():
            return ["d", "b", "a"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "numbers_for_letters", names=("as a string", "got int"), both="""
        def bug_museum():
            return {"missing_activation": 4, "relu_layer": 2, "transposed_batch": 1}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_word_for_a_letter", names=("one of the letters",), both="""
        def bug_museum():
            return {"missing_activation": "d", "relu_layer": "layer class", "transposed_batch": "a"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capital_letters", both="""
        def bug_museum():
            return {"missing_activation": "D", "relu_layer": "B", "transposed_batch": "A"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "brackets_and_another_order", both="""
        def bug_museum():
            return {"transposed_batch": "(a)", "missing_activation": "d)", "relu_layer": " b "}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_with_dict", both="""
        def bug_museum():
            answers = dict(missing_activation="d", relu_layer="b")
            answers["transposed_batch"] = "a"
            return answers
        """),
]
