"""Lab 02, dense layers: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "02_dense"

VARIANTS = [
    # ---- dense_forward
    *variants(LAB, MISTAKE, "dense_forward", "bias_after_the_activation", names=("bias", "after the activation"),
              tensorflow="""
        def dense_forward(X, W, b, g):
            return g(tf.matmul(X, W)) + b
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(X @ W) + b
        """),
    *variants(LAB, MISTAKE, "dense_forward", "bias_forgotten", names=("bias", "missing"), tensorflow="""
        def dense_forward(X, W, b, g):
            return g(tf.matmul(X, W))
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(torch.matmul(X, W))
        """),
    *variants(LAB, MISTAKE, "dense_forward", "activation_forgotten", names=("activation", "not applied"),
              tensorflow="""
        def dense_forward(X, W, b, g):
            z = tf.matmul(X, W) + b
            return z
        """, torch="""
        def dense_forward(X, W, b, g):
            z = X @ W + b
            return z
        """),
    *variants(LAB, MISTAKE, "dense_forward", "weights_transposed", names=("transposed",), tensorflow="""
        def dense_forward(X, W, b, g):
            return g(tf.matmul(X, W, transpose_b=True) + b)
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(X @ W.T + b)
        """),
    *variants(LAB, MISTAKE, "dense_forward", "elementwise_product", names=("matrix product|matmul",),
              tensorflow="""
        def dense_forward(X, W, b, g):
            return g(X * W + b)
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(X * W + b)
        """),
    *variants(LAB, MISTAKE, "dense_forward", "numpy_round_trip", names=("numpy", "autograd"), tensorflow="""
        def dense_forward(X, W, b, g):
            z = np.dot(X.numpy(), W.numpy()) + b.numpy()
            return g(tf.constant(z))
        """, torch="""
        def dense_forward(X, W, b, g):
            z = np.dot(X.numpy(), W.numpy()) + b.numpy()
            return g(torch.from_numpy(z))
        """),
    *variants(LAB, MISTAKE, "dense_forward", "always_the_sigmoid", names=("`g`", "sigmoid"), tensorflow="""
        def dense_forward(X, W, b, g):
            return tf.math.sigmoid(tf.matmul(X, W) + b)
        """, torch="""
        def dense_forward(X, W, b, g):
            return torch.sigmoid(X @ W + b)
        """),
    *variants(LAB, ALTERNATIVE, "dense_forward", "einsum_and_bias_add", tensorflow="""
        def dense_forward(X, W, b, g):
            z = tf.nn.bias_add(tf.einsum("nd,dk->nk", X, W), b)
            return g(z)
        """, torch="""
        def dense_forward(X, W, b, g):
            z = torch.addmm(b, X, W)
            return g(z)
        """),
    *variants(LAB, ALTERNATIVE, "dense_forward", "one_column_per_output", tensorflow="""
        def dense_forward(X, W, b, g):
            columns = [tf.linalg.matvec(X, W[:, i]) + b[i] for i in range(W.shape[1])]
            return g(tf.stack(columns, axis=1))
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(torch.nn.functional.linear(X, W.T, b))
        """),
    # ---- dense_layer
    *variants(LAB, MISTAKE, "dense_layer", "weights_not_registered", names=("registered|register",), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = tf.random.normal((input_dim, output_dim))
                self.b = tf.zeros((output_dim,))

            def call(self, x):
                return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = torch.randn(input_dim, output_dim)
                self.b = torch.zeros(output_dim)

            def forward(self, x):
                return dense_forward(x, self.W, self.b, torch.sigmoid)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "weights_stored_transposed", names=("transposed",), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(output_dim, input_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def call(self, x):
                return dense_forward(x, tf.transpose(self.W), self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(output_dim, input_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(output_dim))

            def forward(self, x):
                return dense_forward(x, self.W.T, self.b, torch.sigmoid)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "weights_start_at_zero", names=("same value", "random"), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="zeros")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def call(self, x):
                return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.zeros(input_dim, output_dim))
                self.b = nn.Parameter(torch.zeros(output_dim))

            def forward(self, x):
                return dense_forward(x, self.W, self.b, torch.sigmoid)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "relu_instead_of_sigmoid", names=("sigmoid", "ReLU"), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def call(self, x):
                return dense_forward(x, self.W, self.b, tf.nn.relu)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(output_dim))

            def forward(self, x):
                return dense_forward(x, self.W, self.b, torch.relu)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "bias_registered_but_unused", names=("bias", "missing"),
              tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def call(self, x):
                return tf.math.sigmoid(tf.matmul(x, self.W))
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(output_dim))

            def forward(self, x):
                return torch.sigmoid(x @ self.W)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "one_bias_per_input", names=("bias", "per output"), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(input_dim,), name="b", initializer="zeros")

            def call(self, x):
                return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(input_dim))

            def forward(self, x):
                return dense_forward(x, self.W, self.b, torch.sigmoid)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "numpy_in_the_forward_pass", names=("numpy", "autograd|gradient"),
              tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def call(self, x):
                z = np.asarray(x) @ self.W.numpy() + self.b.numpy()
                return tf.math.sigmoid(tf.constant(z))
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(output_dim))

            def forward(self, x):
                z = x.numpy() @ self.W.detach().numpy() + self.b.detach().numpy()
                return torch.sigmoid(torch.from_numpy(z))
        """),
    *variants(LAB, HIDDEN_ONLY, "dense_layer", "sizes_typed_in", names=("input_dim, output_dim",), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(3, 4), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(4,), name="b", initializer="zeros")

            def call(self, x):
                return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(3, 4) * 0.05)
                self.b = nn.Parameter(torch.zeros(4))

            def forward(self, x):
                return dense_forward(x, self.W, self.b, torch.sigmoid)
        """),
    *variants(LAB, MISTAKE, "dense_layer", "forward_method_misnamed", names=("call", "forward"), tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
                self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

            def forward(self, x):
                return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
                self.b = nn.Parameter(torch.zeros(output_dim))

            def call(self, x):
                return dense_forward(x, self.W, self.b, torch.sigmoid)
        """),
    *variants(LAB, ALTERNATIVE, "dense_layer", "weights_made_in_build", tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.output_dim = output_dim

            def build(self, input_shape):
                self.W = self.add_weight(shape=(input_shape[-1], self.output_dim), name="W",
                                         initializer="glorot_uniform")
                self.b = self.add_weight(shape=(self.output_dim,), name="b", initializer="zeros")

            def call(self, x):
                return 1 / (1 + tf.exp(-(x @ self.W + self.b)))
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = nn.Parameter(torch.empty(input_dim, output_dim))
                self.b = nn.Parameter(torch.zeros(1, output_dim))  # the lecture's b, one row
                nn.init.xavier_uniform_(self.W)

            def forward(self, x):
                return torch.sigmoid(torch.matmul(x, self.W) + self.b)
        """),
    *variants(LAB, ALTERNATIVE, "dense_layer", "initializers_and_register_parameter", tensorflow="""
        class MyDenseLayer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.W = self.add_weight(shape=(input_dim, output_dim), name="kernel",
                                         initializer=tf.keras.initializers.RandomNormal(stddev=0.1))
                self.b = self.add_weight(shape=(1, output_dim), name="bias",
                                         initializer=tf.keras.initializers.Zeros())

            def call(self, x):
                return tf.sigmoid(tf.matmul(x, self.W) + self.b)
        """, torch="""
        class MyDenseLayer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                self.register_parameter("W", nn.Parameter(torch.normal(0.0, 0.05, size=(input_dim, output_dim))))
                self.register_parameter("b", nn.Parameter(torch.zeros(output_dim)))

            def forward(self, x):
                return dense_forward(x, self.W, self.b, nn.Sigmoid())
        """),
    # ---- builtin_dense
    *variants(LAB, MISTAKE, "builtin_dense", "bias_not_copied", names=("bias", "copy"), tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1])
            layer.build((None, W.shape[0]))
            layer.kernel.assign(W)
            return layer
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            with torch.no_grad():
                layer.weight.copy_(W.T)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "kernel_transposed_as_in_pytorch", names=("transposed",),
              tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1])
            layer.build((None, W.shape[0]))
            layer.kernel.assign(tf.transpose(W))  # as PyTorch stores it
            layer.bias.assign(b)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "copied_without_transposing", names=("transposed",), torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            with torch.no_grad():
                layer.weight.copy_(W)
                layer.bias.copy_(b)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "sizes_swapped", names=("wrong way round|transposed",), tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[0])
            layer.build((None, W.shape[1]))
            layer.kernel.assign(tf.transpose(W))
            layer.bias.assign(b)
            return layer
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[1], W.shape[0])
            with torch.no_grad():
                layer.weight.copy_(W)
                layer.bias.copy_(b)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "layer_without_bias", names=("no bias",), tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1], use_bias=False)
            layer.build((None, W.shape[0]))
            layer.kernel.assign(W)
            return layer
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1], bias=False)
            with torch.no_grad():
                layer.weight.copy_(W.T)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "weights_replaced_not_copied", names=("plain tensor", "assign|no_grad"),
              tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1])
            layer.build((None, W.shape[0]))
            layer.kernel = W
            layer.bias = b
            return layer
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            layer.weight = W.T
            layer.bias = b
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "an_activation_kept", names=("activation",), tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1], activation="sigmoid")
            layer.build((None, W.shape[0]))
            layer.kernel.assign(W)
            layer.bias.assign(b)
            return layer
        """),
    *variants(LAB, MISTAKE, "builtin_dense", "copied_outside_no_grad", names=("no_grad",), torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            layer.weight.copy_(W.T)
            layer.bias.copy_(b)
            return layer
        """),
    *variants(LAB, ALTERNATIVE, "builtin_dense", "weights_given_at_creation", tensorflow="""
        def builtin_dense(W, b):
            return tf.keras.layers.Dense(W.shape[1], kernel_initializer=tf.keras.initializers.Constant(W.numpy()),
                                         bias_initializer=tf.keras.initializers.Constant(b.numpy()))
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(*W.shape)
            layer.weight = nn.Parameter(W.T.clone())
            layer.bias = nn.Parameter(b.clone())
            return layer
        """),
    *variants(LAB, ALTERNATIVE, "builtin_dense", "set_weights_or_state_dict", tensorflow="""
        def builtin_dense(W, b):
            layer = tf.keras.layers.Dense(W.shape[1])
            layer(tf.zeros((1, W.shape[0])))  # built by its first call
            layer.set_weights([W.numpy(), b.numpy()])
            return layer
        """, torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            layer.load_state_dict({"weight": W.T, "bias": b})
            return layer
        """),
    # ---- two_layer_model
    *variants(LAB, MISTAKE, "two_layer_model", "no_relu", names=("ReLU", "linear"), tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(m,)),
                tf.keras.layers.Dense(n),
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, n), nn.Linear(n, 2))
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "relu_on_the_output_too", names=("ReLU", "last layer"),
              tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(m,)),
                tf.keras.layers.Dense(n, activation="relu"),
                tf.keras.layers.Dense(2, activation="relu"),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, n), nn.ReLU(), nn.Linear(n, 2), nn.ReLU())
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "sigmoid_between", names=("ReLU", "sigmoid"), tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(m,)),
                tf.keras.layers.Dense(n, activation="sigmoid"),
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, n), nn.Sigmoid(), nn.Linear(n, 2))
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "hidden_width_from_the_input", names=("layer 1", "4 outputs"),
              tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(m,)),
                tf.keras.layers.Dense(m, activation="relu"),
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, m), nn.ReLU(), nn.Linear(m, 2))
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "output_layer_forgotten", names=("missing",), tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([tf.keras.Input(shape=(m,)), tf.keras.layers.Dense(2, activation="relu")])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, 2), nn.ReLU())
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "relu_class_not_instance", names=("ReLU()", "parentheses"),
              tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(m,)),
                tf.keras.layers.Dense(n),
                tf.keras.layers.ReLU,
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(m, n), nn.ReLU, nn.Linear(n, 2))
        """),
    *variants(LAB, MISTAKE, "two_layer_model", "linear_sizes_as_outputs_first", names=("layer 1", "4 outputs"),
              tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(n,)),
                tf.keras.layers.Dense(m, activation="relu"),
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        def two_layer_model(m, n):
            return nn.Sequential(nn.Linear(n, m), nn.ReLU(), nn.Linear(m, 2))
        """),
    *variants(LAB, ALTERNATIVE, "two_layer_model", "relu_as_its_own_layer", tensorflow="""
        def two_layer_model(m, n):
            return tf.keras.Sequential([
                tf.keras.layers.Dense(n),
                tf.keras.layers.ReLU(),
                tf.keras.layers.Dense(2),
            ])
        """, torch="""
        class TwoLayers(nn.Module):
            def __init__(self, m, n):
                super().__init__()
                self.hidden = nn.Linear(m, n)
                self.out = nn.Linear(n, 2)

            def forward(self, x):
                return self.out(torch.relu(self.hidden(x)))


        def two_layer_model(m, n):
            return TwoLayers(m, n)
        """),
    *variants(LAB, ALTERNATIVE, "two_layer_model", "added_one_by_one", tensorflow="""
        def two_layer_model(m, n):
            model = tf.keras.Sequential()
            model.add(tf.keras.Input(shape=(m,)))
            model.add(tf.keras.layers.Dense(n, activation=tf.nn.relu))
            model.add(tf.keras.layers.Dense(2))
            return model
        """, torch="""
        from collections import OrderedDict


        def two_layer_model(m, n):
            return nn.Sequential(OrderedDict(hidden=nn.Linear(m, n), relu=nn.ReLU(), out=nn.Linear(n, 2)))
        """),
    # ---- deep_network
    *variants(LAB, MISTAKE, "deep_network", "relu_after_every_layer", names=("ReLU", "last layer"), tensorflow="""
        def deep_network(sizes):
            layers = [tf.keras.Input(shape=(sizes[0],))]
            for n_out in sizes[1:]:
                layers.append(tf.keras.layers.Dense(n_out, activation="relu"))
            return tf.keras.Sequential(layers)
        """, torch="""
        def deep_network(sizes):
            layers = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                layers += [nn.Linear(n_in, n_out), nn.ReLU()]
            return nn.Sequential(*layers)
        """),
    *variants(LAB, MISTAKE, "deep_network", "no_relu_at_all", names=("ReLU", "linear"), tensorflow="""
        def deep_network(sizes):
            layers = [tf.keras.Input(shape=(sizes[0],))]
            for n_out in sizes[1:]:
                layers.append(tf.keras.layers.Dense(n_out))
            return tf.keras.Sequential(layers)
        """, torch="""
        def deep_network(sizes):
            return nn.Sequential(*[nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])])
        """),
    *variants(LAB, MISTAKE, "deep_network", "loop_stops_one_early", names=("missing",), tensorflow="""
        def deep_network(sizes):
            layers = [tf.keras.Input(shape=(sizes[0],))]
            for i in range(1, len(sizes) - 1):
                activation = "relu" if i < len(sizes) - 2 else None
                layers.append(tf.keras.layers.Dense(sizes[i], activation=activation))
            return tf.keras.Sequential(layers)
        """, torch="""
        def deep_network(sizes):
            layers = []
            for i in range(len(sizes) - 2):
                layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU()]
            return nn.Sequential(*layers[:-1])
        """),
    *variants(LAB, MISTAKE, "deep_network", "the_input_made_a_layer", names=("too many",), tensorflow="""
        def deep_network(sizes):
            layers = []
            for n in sizes[:-1]:
                layers.append(tf.keras.layers.Dense(n, activation="relu"))
            layers.append(tf.keras.layers.Dense(sizes[-1]))
            return tf.keras.Sequential(layers)
        """, torch="""
        def deep_network(sizes):
            layers, n_in = [], sizes[0]
            for n in sizes[:-1]:
                layers += [nn.Linear(n_in, n), nn.ReLU()]
                n_in = n
            return nn.Sequential(*layers, nn.Linear(n_in, sizes[-1]))
        """),
    *variants(LAB, HIDDEN_ONLY, "deep_network", "three_layers_typed_in", names=("missing|too many",),
              tensorflow="""
        def deep_network(sizes):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(sizes[0],)),
                tf.keras.layers.Dense(sizes[1], activation="relu"),
                tf.keras.layers.Dense(sizes[2], activation="relu"),
                tf.keras.layers.Dense(sizes[3]),
            ])
        """, torch="""
        def deep_network(sizes):
            return nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]), nn.ReLU(),
                                 nn.Linear(sizes[2], sizes[3]))
        """),
    *variants(LAB, MISTAKE, "deep_network", "list_not_unpacked", names=("list",), tensorflow="""
        def deep_network(sizes):
            layers = [tf.keras.Input(shape=(sizes[0],))]
            for n_out in sizes[1:-1]:
                layers.append(tf.keras.layers.Dense(n_out, activation="relu"))
            layers.append(tf.keras.layers.Dense(sizes[-1]))
            return tf.keras.Sequential(*layers)
        """, torch="""
        def deep_network(sizes):
            layers = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                layers += [nn.Linear(n_in, n_out), nn.ReLU()]
            return nn.Sequential(layers[:-1])
        """),
    *variants(LAB, MISTAKE, "deep_network", "relu_before_each_layer", names=("ReLU", "input"), tensorflow="""
        def deep_network(sizes):
            layers = [tf.keras.Input(shape=(sizes[0],))]
            for n_out in sizes[1:]:
                layers += [tf.keras.layers.ReLU(), tf.keras.layers.Dense(n_out)]
            return tf.keras.Sequential(layers)
        """, torch="""
        def deep_network(sizes):
            layers = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                layers += [nn.ReLU(), nn.Linear(n_in, n_out)]
            return nn.Sequential(*layers)
        """),
    *variants(LAB, ALTERNATIVE, "deep_network", "functional_or_module_list", tensorflow="""
        def deep_network(sizes):
            inputs = x = tf.keras.Input(shape=(sizes[0],))
            for k, n_out in enumerate(sizes[1:]):
                x = tf.keras.layers.Dense(n_out)(x)
                if k < len(sizes) - 2:
                    x = tf.keras.layers.Activation("relu")(x)
            return tf.keras.Model(inputs, x)
        """, torch="""
        class Deep(nn.Module):
            def __init__(self, sizes):
                super().__init__()
                self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

            def forward(self, x):
                for layer in self.layers[:-1]:
                    x = torch.relu(layer(x))
                return self.layers[-1](x)


        def deep_network(sizes):
            return Deep(sizes)
        """),
    *variants(LAB, ALTERNATIVE, "deep_network", "last_layer_apart", tensorflow="""
        def deep_network(sizes):
            model = tf.keras.Sequential()
            for n_out in sizes[1:-1]:
                model.add(tf.keras.layers.Dense(n_out, activation="relu"))
            model.add(tf.keras.layers.Dense(sizes[-1]))
            return model
        """, torch="""
        def deep_network(sizes):
            model = nn.Sequential()
            for i in range(len(sizes) - 2):
                model.append(nn.Linear(sizes[i], sizes[i + 1]))
                model.append(nn.ReLU())
            model.append(nn.Linear(sizes[-2], sizes[-1]))
            return model
        """),
    # ---- parameter_count (one cell for both frameworks)
    *variants(LAB, MISTAKE, "parameter_count", "biases_not_counted", names=("bias", "not counted"), both="""
        def count_parameters(sizes):
            return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        """),
    *variants(LAB, MISTAKE, "parameter_count", "one_bias_per_input", names=("bias", "per output"), both="""
        def count_parameters(sizes):
            return sum(n_in * n_out + n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        """),
    *variants(LAB, MISTAKE, "parameter_count", "a_bias_for_every_size", names=("input", "not a layer"), both="""
        def count_parameters(sizes):
            weights = sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
            return weights + sum(sizes)
        """),
    *variants(LAB, MISTAKE, "parameter_count", "one_bias_per_layer", names=("one bias per", "output unit"), both="""
        def count_parameters(sizes):
            weights = sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
            return weights + len(sizes) - 1
        """),
    *variants(LAB, MISTAKE, "parameter_count", "last_layer_skipped", names=("last layer",), both="""
        def count_parameters(sizes):
            total = 0
            for i in range(len(sizes) - 2):
                total += sizes[i] * sizes[i + 1] + sizes[i + 1]
            return total
        """),
    *variants(LAB, HIDDEN_ONLY, "parameter_count", "visible_answers_typed_in", names=("typed in|hard-coded",),
              both="""
        def count_parameters(sizes):
            return 54 if sizes[0] == 3 else 13  # worked out by hand for the two examples
        """),
    *variants(LAB, MISTAKE, "parameter_count", "a_float_from_division", names=("int",), both="""
        def count_parameters(sizes):
            return sum(n_out * (n_in + 1) / 1.0 for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        """),
    *variants(LAB, ALTERNATIVE, "parameter_count", "loop_over_layers", both="""
        def count_parameters(sizes):
            total = 0
            for i in range(1, len(sizes)):
                total += (sizes[i - 1] + 1) * sizes[i]  # the bias is one more input
            return total
        """),
    *variants(LAB, ALTERNATIVE, "parameter_count", "dot_product_of_sizes", both="""
        def count_parameters(sizes):
            return int(np.dot(sizes[:-1], sizes[1:]) + np.sum(sizes[1:]))
        """),
    # ---- predict_parameter_growth (one cell for both frameworks)
    *variants(LAB, MISTAKE, "predict_parameter_growth", "every_layer_doubles", names=("not (a)", "four times as many"),
              both="""
        def predict_parameter_growth():
            return "a"
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "square_of_the_width", names=("not (c)", "only doubles"),
              both="""
        def predict_parameter_growth():
            return "c"
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "layers_multiply", names=("not (d)", "add up"), both="""
        def predict_parameter_growth():
            return "d"
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "the_ratio_as_a_number", names=("as a string", "got float"),
              both="""
        def predict_parameter_growth():
            return 2.49
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "the_ratio_as_a_string", names=("one of the letters",), both="""
        def predict_parameter_growth():
            return "2.5"
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "the_new_count", names=("as a string", "got int"), both="""
        def predict_parameter_growth():
            return 669706
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "a_letter_past_the_options",
              names=("one of the letters", "'d'"),
              both="""
        def predict_parameter_growth():
            return "e"
        """),
    *variants(LAB, MISTAKE, "predict_parameter_growth", "two_letters_to_be_safe", names=("as a string", "got list"),
              both="""
        def predict_parameter_growth():
            return ["b", "c"]
        """),
    *variants(LAB, ALTERNATIVE, "predict_parameter_growth", "capital_letter", both="""
        def predict_parameter_growth():
            return "B"
        """),
    *variants(LAB, ALTERNATIVE, "predict_parameter_growth", "letter_in_brackets", both="""
        def predict_parameter_growth():
            return "(b)"
        """),
    *variants(LAB, ALTERNATIVE, "predict_parameter_growth", "letter_as_listed", both="""
        def predict_parameter_growth():
            return " b) "
        """),
    # ---- will_i_pass
    *variants(LAB, MISTAKE, "will_i_pass", "features_swapped", names=("swapped",), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="sigmoid"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            x = tf.constant([[hours, lectures]], dtype=tf.float32)
            return model(x)[0, 0]
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            x = torch.tensor([[hours, lectures]], dtype=torch.float32)
            return model(x)[0, 0]
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "relu_hidden_units", names=("sigmoid", "ReLU"), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="relu"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            return model(tf.constant([[lectures, hours]]))[0, 0]
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            return model(torch.tensor([[lectures, hours]]))[0, 0]
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "no_output_sigmoid", names=("output", "sigmoid"), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="sigmoid"),
                tf.keras.layers.Dense(1),
            ])


        def predict_pass(model, lectures, hours):
            return model(tf.constant([[lectures, hours]]))[0, 0]
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))


        def predict_pass(model, lectures, hours):
            return model(torch.tensor([[lectures, hours]]))[0, 0]
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "two_hidden_units", names=("layer 1", "3 outputs"), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(2, activation="sigmoid"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            return model(tf.constant([[lectures, hours]]))[0, 0]
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            return model(torch.tensor([[lectures, hours]]))[0, 0]
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "the_whole_output_returned", names=("scalar", "[0, 0]"), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="sigmoid"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            return model(tf.constant([[lectures, hours]]))
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            return model(torch.tensor([[lectures, hours]]))
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "a_python_float", names=("float", "tensor"), tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="sigmoid"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            return float(model(tf.constant([[lectures, hours]]))[0, 0])
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            return model(torch.tensor([[lectures, hours]]))[0, 0].item()
        """),
    *variants(LAB, MISTAKE, "will_i_pass", "a_fresh_model_each_time", names=("model it is given",),
              tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3, activation="sigmoid"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])


        def predict_pass(model, lectures, hours):
            model = pass_model()
            return model(tf.constant([[lectures, hours]]))[0, 0]
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            model = pass_model()
            return model(torch.tensor([[lectures, hours]]))[0, 0]
        """),
    *variants(LAB, ALTERNATIVE, "will_i_pass", "squeezed_and_activation_layers", tensorflow="""
        def pass_model():
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(3),
                tf.keras.layers.Activation("sigmoid"),
                tf.keras.layers.Dense(1),
                tf.keras.layers.Activation(tf.math.sigmoid),
            ])


        def predict_pass(model, lectures, hours):
            x = np.array([[lectures, hours]], dtype=np.float32)
            return tf.squeeze(model(x))
        """, torch="""
        class PassModel(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(2, 3)
                self.output = nn.Linear(3, 1)

            def forward(self, x):
                return torch.sigmoid(self.output(torch.sigmoid(self.hidden(x))))


        def pass_model():
            return PassModel()


        def predict_pass(model, lectures, hours):
            x = torch.tensor([lectures, hours]).unsqueeze(0)
            return model(x).squeeze()
        """),
    *variants(LAB, ALTERNATIVE, "will_i_pass", "reshaped_to_a_scalar", tensorflow="""
        def pass_model():
            model = tf.keras.Sequential()
            model.add(tf.keras.layers.Dense(3, activation=tf.nn.sigmoid))
            model.add(tf.keras.layers.Dense(1, activation=tf.nn.sigmoid))
            return model


        def predict_pass(model, lectures, hours):
            x = tf.reshape(tf.stack([float(lectures), float(hours)]), (1, 2))
            return tf.reshape(model(x), [])
        """, torch="""
        def pass_model():
            return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


        def predict_pass(model, lectures, hours):
            x = torch.FloatTensor([[lectures, hours]])
            return model(x).reshape(())
        """),
    # ---- pass_rate_near
    *variants(LAB, MISTAKE, "pass_rate_near", "sum_not_mean", names=("sum", "mean"), tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.sqrt(tf.reduce_sum((X - point) ** 2, axis=1))
            return tf.reduce_sum(tf.boolean_mask(y, distance < radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = torch.sqrt(((X - point) ** 2).sum(dim=1))
            return y[distance < radius].sum()
        """),
    *variants(LAB, MISTAKE, "pass_rate_near", "radius_itself_included", names=("strictly", "<="), tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.norm(X - point, axis=1)
            return tf.reduce_mean(tf.boolean_mask(y, distance <= radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = torch.norm(X - point, dim=1)
            return y[distance <= radius].mean()
        """),
    *variants(LAB, MISTAKE, "pass_rate_near", "squared_distance_against_the_radius", names=("square",),
              tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.reduce_sum((X - point) ** 2, axis=1)
            return tf.reduce_mean(tf.boolean_mask(y, distance < radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = ((X - point) ** 2).sum(dim=1)
            return y[distance < radius].mean()
        """),
    *variants(LAB, MISTAKE, "pass_rate_near", "manhattan_distance", names=("Euclidean",), tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.reduce_sum(tf.abs(X - point), axis=1)
            return tf.reduce_mean(tf.boolean_mask(y, distance < radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = (X - point).abs().sum(dim=1)
            return y[distance < radius].mean()
        """),
    *variants(LAB, MISTAKE, "pass_rate_near", "the_rate_of_failing", names=("failing",), tensorflow="""
        def pass_rate_near(X, y, point, radius):
            near = tf.norm(X - point, axis=1) < radius
            return tf.reduce_mean(1 - tf.boolean_mask(y, near))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            near = torch.norm(X - point, dim=1) < radius
            return (1 - y[near]).mean()
        """),
    *variants(LAB, MISTAKE, "pass_rate_near", "mask_multiplied_then_mean", names=("every student",),
              tensorflow="""
        def pass_rate_near(X, y, point, radius):
            near = tf.cast(tf.norm(X - point, axis=1) < radius, tf.float32)
            return tf.reduce_mean(y * near)
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            near = (torch.norm(X - point, dim=1) < radius).float()
            return (y * near).mean()
        """),
    *variants(LAB, HIDDEN_ONLY, "pass_rate_near", "the_lectures_point_typed_in", names=("point",), tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.norm(X - tf.constant([4.0, 5.0]), axis=1)
            return tf.reduce_mean(tf.boolean_mask(y, distance < radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = torch.norm(X - torch.tensor([4.0, 5.0]), dim=1)
            return y[distance < radius].mean()
        """),
    *variants(LAB, ALTERNATIVE, "pass_rate_near", "norm_and_mask_arithmetic", tensorflow="""
        def pass_rate_near(X, y, point, radius):
            near = tf.cast(tf.norm(X - point, axis=1) < radius, tf.float32)
            return tf.reduce_sum(y * near) / tf.reduce_sum(near)
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            near = torch.linalg.norm(X - point, dim=1) < radius
            return (y * near).sum() / near.sum()
        """),
    *variants(LAB, ALTERNATIVE, "pass_rate_near", "a_loop_against_radius_squared", tensorflow="""
        def pass_rate_near(X, y, point, radius):
            passed = count = 0
            for row, label in zip(X, y):
                if tf.reduce_sum((row - point) ** 2) < radius ** 2:
                    count += 1
                    passed += label
            return passed / count
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            passed = count = 0
            for row, label in zip(X, y):
                if ((row - point) ** 2).sum() < radius ** 2:
                    count += 1
                    passed += label
            return passed / count
        """),
    # ---- accuracy
    *variants(LAB, MISTAKE, "accuracy", "labels_broadcast_against_a_column", names=("(n, n)", "p[:, 0]"),
              tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(p > 0.5, tf.float32)  # shape (n, 1), y has shape (n,)
            return tf.reduce_mean(tf.cast(predicted == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            predicted = (p > 0.5).float()  # shape (n, 1), y has shape (n,)
            return (predicted == y).float().mean()
        """),
    *variants(LAB, MISTAKE, "accuracy", "count_not_fraction", names=("count", "divide"), tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(p[:, 0] > 0.5, tf.float32)
            return tf.reduce_sum(tf.cast(predicted == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            predicted = (p[:, 0] > 0.5).float()
            return (predicted == y).float().sum()
        """),
    *variants(LAB, MISTAKE, "accuracy", "one_half_counted_as_class_1", names=(">=", "0.5"), tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(p[:, 0] >= 0.5, tf.float32)
            return tf.reduce_mean(tf.cast(predicted == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            predicted = (p[:, 0] >= 0.5).float()
            return (predicted == y).float().mean()
        """),
    *variants(LAB, MISTAKE, "accuracy", "integer_mean", names=("integer",), tensorflow="""
        def accuracy(p, y):
            right = tf.cast(p[:, 0] > 0.5, tf.float32) == y
            return tf.reduce_mean(tf.cast(right, tf.int32))
        """, torch="""
        def accuracy(p, y):
            right = (p[:, 0] > 0.5).float() == y
            return right.sum() // len(y)
        """),
    *variants(LAB, MISTAKE, "accuracy", "argmax_of_one_column", names=("argmax", "0.5"), tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(tf.argmax(p, axis=1), tf.float32)
            return tf.reduce_mean(tf.cast(predicted == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            predicted = p.argmax(dim=1).float()
            return (predicted == y).float().mean()
        """),
    *variants(LAB, MISTAKE, "accuracy", "probabilities_compared_as_they_are", names=("class", "p > 0.5"),
              tensorflow="""
        def accuracy(p, y):
            return tf.reduce_mean(tf.cast(p[:, 0] == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            return (p[:, 0] == y).float().mean()
        """),
    *variants(LAB, MISTAKE, "accuracy", "a_python_float", names=("float", "tensor"), tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(p[:, 0] > 0.5, tf.float32)
            return float(tf.reduce_mean(tf.cast(predicted == y, tf.float32)))
        """, torch="""
        def accuracy(p, y):
            predicted = (p[:, 0] > 0.5).float()
            return (predicted == y).float().mean().item()
        """),
    *variants(LAB, ALTERNATIVE, "accuracy", "rounded_against_a_column", tensorflow="""
        def accuracy(p, y):
            right = tf.equal(tf.round(p), tf.reshape(y, (-1, 1)))
            return tf.reduce_mean(tf.cast(right, tf.float32))
        """, torch="""
        def accuracy(p, y):
            right = p.round() == y.unsqueeze(1)
            return right.float().mean()
        """),
    *variants(LAB, ALTERNATIVE, "accuracy", "one_minus_the_mean_error", tensorflow="""
        def accuracy(p, y):
            predicted = tf.where(tf.squeeze(p, axis=1) > 0.5, 1.0, 0.0)
            return 1 - tf.reduce_mean(tf.abs(predicted - y))
        """, torch="""
        def accuracy(p, y):
            predicted = torch.where(p.squeeze(1) > 0.5, 1.0, 0.0)
            return 1 - (predicted - y).abs().mean()
        """),
    # ---- nonlinear_mlp
    *variants(LAB, MISTAKE, "nonlinear_mlp", "hidden_layer_without_activation", names=("linear", "non-linear"),
              tensorflow="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return tf.keras.Sequential([
                tf.keras.Input(shape=(2,)),
                tf.keras.layers.Dense(hidden),
                MyDenseLayer(hidden, 1),
            ])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return nn.Sequential(nn.Linear(2, hidden), MyDenseLayer(hidden, 1))
        """),
    *variants(LAB, HIDDEN_ONLY, "nonlinear_mlp", "width_fixed_at_16", names=("`hidden`",), tensorflow="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, 16), MyDenseLayer(16, 1)])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, 16), MyDenseLayer(16, 1))
        """),
    *variants(LAB, MISTAKE, "nonlinear_mlp", "hidden_many_outputs", names=("one output",), tensorflow="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden),
                                        MyDenseLayer(hidden, hidden)])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, hidden))
        """),
    *variants(LAB, MISTAKE, "nonlinear_mlp", "output_without_sigmoid", names=("sigmoid", "between 0 and 1"),
              tensorflow="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden),
                                        tf.keras.layers.Dense(1)])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, hidden), nn.Linear(hidden, 1))
        """),
    *variants(LAB, MISTAKE, "nonlinear_mlp", "perceptron_with_a_hidden_layer", names=("perceptron",),
              tensorflow="""
        def linear_classifier():
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, 2), MyDenseLayer(2, 1)])


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1)])
        """, torch="""
        def linear_classifier():
            return nn.Sequential(MyDenseLayer(2, 2), MyDenseLayer(2, 1))


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1))
        """),
    *variants(LAB, MISTAKE, "nonlinear_mlp", "two_hidden_layers", names=("one hidden layer",), tensorflow="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden),
                                        MyDenseLayer(hidden, hidden), MyDenseLayer(hidden, 1)])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(2, 1)


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, hidden), MyDenseLayer(hidden, 1))
        """),
    *variants(LAB, MISTAKE, "nonlinear_mlp", "the_class_not_a_layer", names=("MyDenseLayer(2, 1)",), tensorflow="""
        def linear_classifier():
            return MyDenseLayer


        def mlp_classifier(hidden):
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1)])
        """, torch="""
        def linear_classifier():
            return MyDenseLayer


        def mlp_classifier(hidden):
            return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1))
        """),
    *variants(LAB, ALTERNATIVE, "nonlinear_mlp", "framework_layers_other_activation", tensorflow="""
        def linear_classifier():
            return tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, activation="sigmoid")])


        def mlp_classifier(hidden):
            return tf.keras.Sequential([
                tf.keras.layers.Dense(hidden, activation="relu"),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ])
        """, torch="""
        class RingClassifier(nn.Module):
            def __init__(self, hidden):
                super().__init__()
                self.hidden = nn.Linear(2, hidden)
                self.out = nn.Linear(hidden, 1)

            def forward(self, x):
                return torch.sigmoid(self.out(torch.tanh(self.hidden(x))))


        def linear_classifier():
            return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())


        def mlp_classifier(hidden):
            return RingClassifier(hidden)
        """),
    *variants(LAB, ALTERNATIVE, "nonlinear_mlp", "a_subclassed_model", tensorflow="""
        class RingClassifier(tf.keras.Model):
            def __init__(self, hidden):
                super().__init__()
                self.hidden_layer = MyDenseLayer(2, hidden)
                self.output_layer = MyDenseLayer(hidden, 1)

            def call(self, x):
                return self.output_layer(self.hidden_layer(x))


        def linear_classifier():
            return MyDenseLayer(input_dim=2, output_dim=1)


        def mlp_classifier(hidden):
            return RingClassifier(hidden)
        """, torch="""
        def linear_classifier():
            return MyDenseLayer(input_dim=2, output_dim=1)


        def mlp_classifier(hidden):
            layers = [MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1)]
            return nn.Sequential(*layers)
        """),
    # ---- bug_museum (one cell for both frameworks)
    *variants(LAB, MISTAKE, "bug_museum", "relu_one_number_at_a_time", names=("['relu_class']", "2 x 2 matrix"),
              both="""
        def bug_museum():
            return {"relu_class": "a", "linear_stack": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "relu_refuses_negatives", names=("['relu_class']", "without complaint"),
              both="""
        def bug_museum():
            return {"relu_class": "c", "linear_stack": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "relu_not_built", names=("['relu_class']", "nothing to build"), both="""
        def bug_museum():
            return {"relu_class": "d", "linear_stack": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "stack_needs_more_steps", names=("['linear_stack']", "450 more steps"),
              both="""
        def bug_museum():
            return {"relu_class": "b", "linear_stack": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "stack_too_narrow", names=("['linear_stack']", "16 hidden units too"),
              both="""
        def bug_museum():
            return {"relu_class": "b", "linear_stack": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "stack_relu_by_default", names=("['linear_stack']", "no activation at all"),
              both="""
        def bug_museum():
            return {"relu_class": "b", "linear_stack": "d"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_swapped", names=("['relu_class']", "without complaint"), both="""
        def bug_museum():
            return {"relu_class": "c", "linear_stack": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_left_out", names=("keys", "linear_stack"), both="""
        def bug_museum():
            return {"relu_class": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_list_of_letters", names=("dict", "got list"), both="""
        def bug_museum():
            return ["b", "c"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "exhibit_names_misspelt", names=("keys", "relu_class"), both="""
        def bug_museum():
            return {"relu": "b", "linear_stack": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_word_for_a_letter", names=("one of the letters",), both="""
        def bug_museum():
            return {"relu_class": "settings", "linear_stack": "c"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capital_letters", both="""
        def bug_museum():
            return {"relu_class": "B", "linear_stack": "C"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "brackets_and_another_order", both="""
        def bug_museum():
            return {"linear_stack": "(c)", "relu_class": "b)"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_with_dict", both="""
        def bug_museum():
            answers = dict(relu_class="b")
            answers["linear_stack"] = "c"
            return answers
        """),
]
