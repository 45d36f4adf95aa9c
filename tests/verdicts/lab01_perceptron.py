"""Lab 01, the perceptron: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, MISTAKE, variants

LAB = "01_perceptron"

VARIANTS = [
    # ---- activations
    *variants(LAB, MISTAKE, "activations", "sigmoid_sign_flipped", tensorflow="""
        def sigmoid(z):
            return 1 / (1 + tf.exp(z))


        def tanh(z):
            return 2 / (1 + tf.exp(-2 * z)) - 1


        def relu(z):
            return tf.maximum(z, 0.0)
        """, torch="""
        def sigmoid(z):
            return 1 / (1 + torch.exp(z))


        def tanh(z):
            return 2 / (1 + torch.exp(-2 * z)) - 1


        def relu(z):
            return torch.clamp(z, min=0.0)
        """),
    *variants(LAB, MISTAKE, "activations", "calls_the_framework_sigmoid", tensorflow="""
        def sigmoid(z):
            return tf.math.sigmoid(z)


        def tanh(z):
            return 2 / (1 + tf.exp(-2 * z)) - 1


        def relu(z):
            return tf.maximum(z, 0.0)
        """, torch="""
        def sigmoid(z):
            return torch.sigmoid(z)


        def tanh(z):
            return 2 / (1 + torch.exp(-2 * z)) - 1


        def relu(z):
            return torch.clamp(z, min=0.0)
        """),
    *variants(LAB, MISTAKE, "activations", "tanh_overflows", tensorflow="""
        def sigmoid(z):
            return 1 / (1 + tf.exp(-z))


        def tanh(z):
            return (tf.exp(z) - tf.exp(-z)) / (tf.exp(z) + tf.exp(-z))


        def relu(z):
            return tf.maximum(z, 0.0)
        """, torch="""
        def sigmoid(z):
            return 1 / (1 + torch.exp(-z))


        def tanh(z):
            return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))


        def relu(z):
            return torch.clamp(z, min=0.0)
        """),
    *variants(LAB, ALTERNATIVE, "activations", "tanh_with_the_sign", tensorflow="""
        def sigmoid(z):
            return 1 / (1 + tf.exp(-z))


        def tanh(z):
            e = tf.exp(-2 * tf.abs(z))
            return tf.sign(z) * (1 - e) / (1 + e)


        def relu(z):
            return tf.maximum(z, 0.0)
        """, torch="""
        def sigmoid(z):
            return 1 / (1 + torch.exp(-z))


        def tanh(z):
            return 2 * sigmoid(2 * z) - 1


        def relu(z):
            return torch.clamp(z, min=0.0)
        """),
    *variants(LAB, ALTERNATIVE, "activations", "other_formulas", tensorflow="""
        def sigmoid(z):
            e = tf.exp(z)
            return e / (e + 1)


        def tanh(z):
            return 2 / (1 + tf.exp(-2 * z)) - 1


        def relu(z):
            return tf.where(z > 0, z, tf.zeros_like(z))
        """, torch="""
        def sigmoid(z):
            e = torch.exp(z)
            return e / (e + 1)


        def tanh(z):
            return 2 / (1 + torch.exp(-2 * z)) - 1


        def relu(z):
            return torch.where(z > 0, z, torch.zeros_like(z))
        """),
    # ---- derivatives
    *variants(LAB, MISTAKE, "derivatives", "sigmoid_derivative_of_z", tensorflow="""
        def sigmoid_derivative(z):
            return z * (1 - z)


        def tanh_derivative(z):
            return 1 - tanh(z) ** 2


        def relu_derivative(z):
            return tf.cast(z > 0, z.dtype)
        """, torch="""
        def sigmoid_derivative(z):
            return z * (1 - z)


        def tanh_derivative(z):
            return 1 - tanh(z) ** 2


        def relu_derivative(z):
            return (z > 0).to(z.dtype)
        """),
    *variants(LAB, ALTERNATIVE, "derivatives", "written_out", tensorflow="""
        def sigmoid_derivative(z):
            return tf.exp(-z) / (1 + tf.exp(-z)) ** 2


        def tanh_derivative(z):
            return 1 / tf.cosh(z) ** 2


        def relu_derivative(z):
            return tf.where(z > 0, tf.ones_like(z), tf.zeros_like(z))
        """, torch="""
        def sigmoid_derivative(z):
            return torch.exp(-z) / (1 + torch.exp(-z)) ** 2


        def tanh_derivative(z):
            return 1 / torch.cosh(z) ** 2


        def relu_derivative(z):
            return torch.heaviside(z, torch.tensor(0.0))
        """),
    # ---- perceptron
    *variants(LAB, MISTAKE, "perceptron", "bias_missing", tensorflow="""
        def perceptron(X, w0, W, g):
            return g(tf.linalg.matvec(X, W))
        """, torch="""
        def perceptron(X, w0, W, g):
            return g(X @ W)
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
    # ---- lecture_example
    *variants(LAB, MISTAKE, "lecture_example", "bias_forgotten", tensorflow="""
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
    # ---- decision_boundary (one cell for both frameworks)
    *variants(LAB, MISTAKE, "decision_boundary", "inequality_reversed", both="""
        def boundary_x2(x1):
            return (1 + 3 * x1) / 2


        def on_positive_side(X):
            return 1 + 3 * X[:, 0] - 2 * X[:, 1] < 0
        """),
    *variants(LAB, ALTERNATIVE, "decision_boundary", "rearranged", both="""
        def boundary_x2(x1):
            return 0.5 + 1.5 * x1


        def on_positive_side(X):
            x1, x2 = X[:, 0], X[:, 1]
            return x2 < boundary_x2(x1)
        """),
    # ---- collapse
    *variants(LAB, MISTAKE, "collapse", "first_bias_dropped", tensorflow="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, b2
        """, torch="""
        def collapse_linear(W1, b1, W2, b2):
            return W1 @ W2, b2
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
]
