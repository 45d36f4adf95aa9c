"""Lab 02, dense layers: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "02_dense"

VARIANTS = [
    # ---- dense_forward
    *variants(LAB, MISTAKE, "dense_forward", "bias_after_the_activation", tensorflow="""
        def dense_forward(X, W, b, g):
            return g(tf.matmul(X, W)) + b
        """, torch="""
        def dense_forward(X, W, b, g):
            return g(X @ W) + b
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
    # ---- dense_layer
    *variants(LAB, MISTAKE, "dense_layer", "weights_not_registered", tensorflow="""
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
    # ---- builtin_dense
    *variants(LAB, MISTAKE, "builtin_dense", "bias_not_copied", tensorflow="""
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
    *variants(LAB, MISTAKE, "builtin_dense", "copied_without_transposing", torch="""
        def builtin_dense(W, b):
            layer = nn.Linear(W.shape[0], W.shape[1])
            with torch.no_grad():
                layer.weight.copy_(W)
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
    # ---- two_layer_model
    *variants(LAB, MISTAKE, "two_layer_model", "no_relu", tensorflow="""
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
    # ---- deep_network
    *variants(LAB, MISTAKE, "deep_network", "relu_after_every_layer", tensorflow="""
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
    # ---- parameter_count (one cell for both frameworks)
    *variants(LAB, MISTAKE, "parameter_count", "biases_not_counted", both="""
        def count_parameters(sizes):
            return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        """),
    *variants(LAB, ALTERNATIVE, "parameter_count", "loop_over_layers", both="""
        def count_parameters(sizes):
            total = 0
            for i in range(1, len(sizes)):
                total += (sizes[i - 1] + 1) * sizes[i]  # the bias is one more input
            return total
        """),
    # ---- will_i_pass
    *variants(LAB, MISTAKE, "will_i_pass", "features_swapped", tensorflow="""
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
    # ---- pass_rate_near
    *variants(LAB, MISTAKE, "pass_rate_near", "sum_not_mean", tensorflow="""
        def pass_rate_near(X, y, point, radius):
            distance = tf.sqrt(tf.reduce_sum((X - point) ** 2, axis=1))
            return tf.reduce_sum(tf.boolean_mask(y, distance < radius))
        """, torch="""
        def pass_rate_near(X, y, point, radius):
            distance = torch.sqrt(((X - point) ** 2).sum(dim=1))
            return y[distance < radius].sum()
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
    # ---- accuracy
    *variants(LAB, MISTAKE, "accuracy", "labels_broadcast_against_a_column", tensorflow="""
        def accuracy(p, y):
            predicted = tf.cast(p > 0.5, tf.float32)  # shape (n, 1), y has shape (n,)
            return tf.reduce_mean(tf.cast(predicted == y, tf.float32))
        """, torch="""
        def accuracy(p, y):
            predicted = (p > 0.5).float()  # shape (n, 1), y has shape (n,)
            return (predicted == y).float().mean()
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
    # ---- nonlinear_mlp
    *variants(LAB, MISTAKE, "nonlinear_mlp", "hidden_layer_without_activation", tensorflow="""
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
    *variants(LAB, HIDDEN_ONLY, "nonlinear_mlp", "width_fixed_at_16", tensorflow="""
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
]
