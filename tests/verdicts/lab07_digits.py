"""Lab 07, digits: mistakes and alternatives as notebook code."""
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, variants

LAB = "07_digits"


VARIANTS = [
    # ---- stratified_split (one cell for both frameworks)
    *variants(LAB, MISTAKE, "stratified_split", "one_shuffle_for_all_classes", names=("stratified",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            order = np.random.default_rng(seed).permutation(len(y))
            n_test, n_val = round(test_fraction * len(y)), round(val_fraction * len(y))
            return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]
        """),
    *variants(LAB, ALTERNATIVE, "stratified_split", "np_split_at_cut_points", both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            pieces = {"train": [], "val": [], "test": []}
            for label in sorted(set(y.tolist())):
                members = np.flatnonzero(y == label)
                rng.shuffle(members)
                n_test = round(test_fraction * len(members))
                n_val = round(val_fraction * len(members))
                test, val, train = np.split(members, [n_test, n_test + n_val])
                pieces["train"].append(train)
                pieces["val"].append(val)
                pieces["test"].append(test)
            return tuple(np.concatenate(pieces[name]) for name in ("train", "val", "test"))
        """),
    # ---- standardize
    *variants(LAB, MISTAKE, "standardize", "statistics_of_all_the_data", names=("X_train", "leak"), both="""
        def standardize(X_train, X_val, X_test):
            everything = np.concatenate([X_train, X_val, X_test])
            mean, std = everything.mean(axis=0), everything.std(axis=0)
            std[std == 0] = 1
            return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std
        """),
    *variants(LAB, ALTERNATIVE, "standardize", "sample_std_in_a_loop", both="""
        def standardize(X_train, X_val, X_test):
            mean = np.mean(X_train, axis=0)
            std = np.std(X_train, axis=0, ddof=1)
            std[std == 0] = 1.0
            return tuple((X - mean) / std for X in (X_train, X_val, X_test))
        """),
    # ---- classifier
    *variants(LAB, MISTAKE, "classifier", "no_activation", names=("activation",), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))


        class DigitClassifier(tf.keras.Model):
            def __init__(self, n_inputs, n_hidden, n_classes, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p
                self.W1 = self.add_weight(shape=(n_inputs, n_hidden), initializer="random_normal")
                self.b1 = self.add_weight(shape=(n_hidden,), initializer="zeros")
                self.W2 = self.add_weight(shape=(n_hidden, n_classes), initializer="random_normal")
                self.b2 = self.add_weight(shape=(n_classes,), initializer="zeros")

            def call(self, x, training=None):
                hidden = dropout(x @ self.W1 + self.b1, self.p, training=bool(training))
                return hidden @ self.W2 + self.b2
        """, torch="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = torch.rand_like(x) >= p
            return torch.where(keep, x / (1 - p), torch.zeros_like(x))


        class DigitClassifier(nn.Module):
            def __init__(self, n_inputs, n_hidden, n_classes, p):
                super().__init__()
                self.p = p
                self.W1 = nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)
                self.b1 = nn.Parameter(torch.zeros(n_hidden))
                self.W2 = nn.Parameter(torch.randn(n_hidden, n_classes) * 0.05)
                self.b2 = nn.Parameter(torch.zeros(n_classes))

            def forward(self, x):
                hidden = dropout(x @ self.W1 + self.b1, self.p, training=self.training)
                return hidden @ self.W2 + self.b2
        """),
    *variants(LAB, ALTERNATIVE, "classifier", "mask_multiplied_weights_built_later", tensorflow="""
        def dropout(x, p, training=True):
            if training:
                mask = tf.cast(tf.random.uniform(tf.shape(x)) < 1 - p, x.dtype)
                return x * mask / (1 - p)
            return x


        class DigitClassifier(tf.keras.Model):
            def __init__(self, n_inputs, n_hidden, n_classes, p, **kwargs):
                super().__init__(**kwargs)
                self.n_hidden, self.n_classes, self.p = n_hidden, n_classes, p

            def build(self, input_shape):
                self.W1 = self.add_weight(shape=(input_shape[-1], self.n_hidden), initializer="glorot_uniform")
                self.b1 = self.add_weight(shape=(self.n_hidden,), initializer="zeros")
                self.W2 = self.add_weight(shape=(self.n_hidden, self.n_classes), initializer="glorot_uniform")
                self.b2 = self.add_weight(shape=(self.n_classes,), initializer="zeros")

            def call(self, x, training=None):
                hidden = tf.maximum(tf.matmul(x, self.W1) + self.b1, 0.0)
                return tf.matmul(dropout(hidden, self.p, training=bool(training)), self.W2) + self.b2
        """, torch="""
        def dropout(x, p, training=True):
            if training:
                return x * torch.bernoulli(torch.full_like(x, 1 - p)) / (1 - p)
            return x


        class DigitClassifier(nn.Module):
            def __init__(self, n_inputs, n_hidden, n_classes, p):
                super().__init__()
                self.p = p
                self.W1 = nn.Parameter(nn.init.xavier_uniform_(torch.empty(n_inputs, n_hidden)))
                self.b1 = nn.Parameter(torch.zeros(n_hidden))
                self.W2 = nn.Parameter(nn.init.xavier_uniform_(torch.empty(n_hidden, n_classes)))
                self.b2 = nn.Parameter(torch.zeros(n_classes))

            def forward(self, x):
                hidden = torch.clamp(x @ self.W1 + self.b1, min=0)
                return dropout(hidden, self.p, self.training) @ self.W2 + self.b2
        """),
    # ---- cross_entropy
    *variants(LAB, MISTAKE, "cross_entropy", "softmax_then_log", names=("overflow",), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            probabilities = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keepdims=True)
            return -tf.reduce_mean(tf.math.log(tf.gather(probabilities, labels, axis=1, batch_dims=1)))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            probabilities = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
            return -torch.log(probabilities[torch.arange(len(labels)), labels]).mean()
        """),
    *variants(LAB, ALTERNATIVE, "cross_entropy", "logsumexp_and_one_hot", tensorflow="""
        def softmax_cross_entropy(logits, labels):
            label_logits = tf.reduce_sum(logits * tf.one_hot(labels, tf.shape(logits)[1]), axis=1)
            return tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - label_logits)
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            label_logits = logits.gather(1, labels[:, None])[:, 0]
            return (torch.logsumexp(logits, dim=1) - label_logits).mean()
        """),
    # ---- train_step
    *variants(LAB, MISTAKE, "train_step", "loss_outside_the_tape", names=("GradientTape|zero_grad",), tensorflow="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                with tf.GradientTape() as tape:
                    logits = model(x, training=True)
                loss = loss_fn(logits, y)
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                return loss, logits
            return step
        """, torch="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                model.train()
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                optimizer.step()
                return loss.detach(), logits.detach()
            return step
        """),
    *variants(LAB, ALTERNATIVE, "train_step", "eager_or_zeroed_after", tensorflow="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                with tf.GradientTape() as tape:
                    logits = model(x, training=True)
                    loss = loss_fn(logits, y)
                variables = model.trainable_variables
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
                return loss, logits
            return step
        """, torch="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                model.train()
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                return loss.item(), logits.detach()
            return step
        """),
    # ---- train_epoch
    *variants(LAB, MISTAKE, "train_epoch", "mean_of_the_batch_losses", names=("weight", "size"), tensorflow="""
        def train_epoch(step, batches):
            losses, correct, seen = [], 0, 0
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(float(loss))
                correct += int(tf.reduce_sum(tf.cast(tf.argmax(logits, axis=1) == y, tf.int32)))
                seen += len(y)
            return sum(losses) / len(losses), correct / seen
        """, torch="""
        def train_epoch(step, batches):
            losses, correct, seen = [], 0, 0
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(float(loss))
                correct += int((logits.argmax(dim=1) == y).sum())
                seen += len(y)
            return sum(losses) / len(losses), correct / seen
        """),
    *variants(LAB, ALTERNATIVE, "train_epoch", "weighted_average_with_numpy", tensorflow="""
        def train_epoch(step, batches):
            losses, sizes, right = [], [], 0
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(loss.numpy())
                sizes.append(int(tf.size(y)))
                right += int(np.sum(np.argmax(logits.numpy(), axis=1) == y.numpy()))
            return float(np.average(losses, weights=sizes)), right / sum(sizes)
        """, torch="""
        def train_epoch(step, batches):
            losses, sizes, right = [], [], 0
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(float(loss))
                sizes.append(y.numel())
                right += logits.argmax(1).eq(y).sum().item()
            return float(np.average(losses, weights=sizes)), right / sum(sizes)
        """),
    # ---- fit
    *variants(LAB, MISTAKE, "fit", "best_weights_never_restored", names=("last epoch", "best"), tensorflow="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            step = make_train_step(model, tf.keras.optimizers.Adam(learning_rate), softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
            best_loss, epochs_without_improvement = float("inf"), 0
            for _ in range(max_epochs):
                loss, accuracy = train_epoch(step, batches)
                val_loss, val_accuracy = evaluate(model, X_val, y_val)
                for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
                    history[key].append(value)
                if val_loss < best_loss:
                    best_loss, epochs_without_improvement = val_loss, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            return history
        """, torch="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            step = make_train_step(model, torch.optim.Adam(model.parameters(), lr=learning_rate), softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
            best_loss, best_state, epochs_without_improvement = float("inf"), model.state_dict(), 0
            for _ in range(max_epochs):
                loss, accuracy = train_epoch(step, batches)
                val_loss, val_accuracy = evaluate(model, X_val, y_val)
                for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
                    history[key].append(value)
                if val_loss < best_loss:
                    best_loss, best_state, epochs_without_improvement = val_loss, model.state_dict(), 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            model.load_state_dict(best_state)
            return history
        """),
    *variants(LAB, ALTERNATIVE, "fit", "distance_from_the_best_epoch", tensorflow="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
            step = make_train_step(model, optimizer, softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = {name: [] for name in ("loss", "accuracy", "val_loss", "val_accuracy")}
            best_epoch, snapshot = -1, None
            for epoch in range(max_epochs):
                results = train_epoch(step, batches) + evaluate(model, X_val, y_val)
                for name, value in zip(history, results):
                    history[name].append(value)
                if best_epoch < 0 or history["val_loss"][-1] < history["val_loss"][best_epoch]:
                    best_epoch, snapshot = epoch, [v.numpy() for v in model.trainable_variables]
                elif epoch - best_epoch >= patience:
                    break
            for variable, value in zip(model.trainable_variables, snapshot):
                variable.assign(value)
            return history
        """, torch="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
            step = make_train_step(model, optimizer, softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = {name: [] for name in ("loss", "accuracy", "val_loss", "val_accuracy")}
            best_epoch, snapshot = -1, None
            for epoch in range(max_epochs):
                results = train_epoch(step, batches) + evaluate(model, X_val, y_val)
                for name, value in zip(history, results):
                    history[name].append(value)
                if best_epoch < 0 or history["val_loss"][-1] < history["val_loss"][best_epoch]:
                    best_epoch, snapshot = epoch, {k: v.clone() for k, v in model.state_dict().items()}
                elif epoch - best_epoch >= patience:
                    break
            model.load_state_dict(snapshot)
            return history
        """),
    # ---- predict_linear_baseline (one cell for both frameworks)
    *variants(LAB, MISTAKE, "predict_linear_baseline", "chance_level", names=("not (a)", "ten regions"), both="""
        def predict_linear_baseline():
            return "a"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "far_behind", names=("not (b)", "misses 7 to 10"), both="""
        def predict_linear_baseline():
            return "b"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "fewer_weights_win", names=("not (d)", "over 100%"),
              both="""
        def predict_linear_baseline():
            return "d"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "the_accuracy_itself", names=("as a string", "got float"),
              both="""
        def predict_linear_baseline():
            return 0.975
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "the_accuracy_as_text", names=("one of the letters", "'97%'"),
              both="""
        def predict_linear_baseline():
            return "97%"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "no_such_letter", names=("one of the letters", "'e'"),
              both="""
        def predict_linear_baseline():
            return "e"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "two_letters", names=("one of the letters", "'c or d'"),
              both="""
        def predict_linear_baseline():
            return "c or d"
        """),
    *variants(LAB, MISTAKE, "predict_linear_baseline", "a_list", names=("as a string", "got list"), both="""
        def predict_linear_baseline():
            return ["c"]
        """),
    *variants(LAB, ALTERNATIVE, "predict_linear_baseline", "capital", both="""
        def predict_linear_baseline():
            return "C"
        """),
    *variants(LAB, ALTERNATIVE, "predict_linear_baseline", "in_parentheses", both="""
        def predict_linear_baseline():
            return "(c)"
        """),
    *variants(LAB, ALTERNATIVE, "predict_linear_baseline", "with_spaces_and_a_dot", both="""
        def predict_linear_baseline():
            prediction = " c. "
            return prediction
        """),
    # ---- framework
    *variants(LAB, MISTAKE, "framework", "best_weights_not_restored", names=("last epoch", "best"), tensorflow="""
        def framework_model(n_inputs, n_hidden, n_classes, p):
            return tf.keras.Sequential([tf.keras.Input((n_inputs,)), tf.keras.layers.Dense(n_hidden, activation="relu"),
                                        tf.keras.layers.Dropout(p), tf.keras.layers.Dense(n_classes)])


        def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            tf.keras.utils.set_random_seed(seed)
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                          loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
            stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
            history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=max_epochs,
                                batch_size=batch_size, callbacks=[stopper], verbose=0)
            return history.history
        """, torch="""
        def framework_model(n_inputs, n_hidden, n_classes, p):
            return nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_classes))


        def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            loader = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                                generator=torch.Generator().manual_seed(seed))
            loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=learning_rate)
            history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
            best_loss, epochs_without_improvement = float("inf"), 0
            for _ in range(max_epochs):
                model.train()
                total_loss, correct = 0.0, 0
                for x, y in loader:
                    optimizer.zero_grad()
                    logits = model(x)
                    loss = loss_fn(logits, y)
                    loss.backward()
                    optimizer.step()
                    total_loss += loss.item() * len(y)
                    correct += int((logits.argmax(dim=1) == y).sum())
                model.eval()
                with torch.no_grad():
                    val_logits = model(X_val)
                val_loss = loss_fn(val_logits, y_val).item()
                history["loss"].append(total_loss / len(y_train))
                history["accuracy"].append(correct / len(y_train))
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append((val_logits.argmax(dim=1) == y_val).float().mean().item())
                if val_loss < best_loss:
                    best_loss, epochs_without_improvement = val_loss, 0
                else:
                    epochs_without_improvement += 1
                    if epochs_without_improvement == patience:
                        break
            return history
        """),
    *variants(LAB, ALTERNATIVE, "framework", "a_dataset_and_the_functional_loss", tensorflow="""
        def framework_model(n_inputs, n_hidden, n_classes, p):
            model = tf.keras.Sequential(name="digits")
            model.add(tf.keras.Input(shape=(n_inputs,)))
            model.add(tf.keras.layers.Dense(n_hidden))
            model.add(tf.keras.layers.Activation("relu"))
            model.add(tf.keras.layers.Dropout(rate=p))
            model.add(tf.keras.layers.Dense(n_classes))
            return model


        def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate), metrics=["accuracy"],
                          loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            data = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(2048, seed=seed).batch(batch_size)
            callbacks = [tf.keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)]
            return model.fit(data, validation_data=(X_val, y_val), epochs=max_epochs, callbacks=callbacks,
                             verbose=0).history
        """, torch="""
        def framework_model(n_inputs, n_hidden, n_classes, p):
            return nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p=p), nn.Linear(n_hidden, n_classes))


        def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            loader = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                                generator=torch.Generator().manual_seed(seed))
            optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
            history, best, saved = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}, 0, None
            for epoch in range(max_epochs):
                model.train()
                sums = [0.0, 0]
                for x, y in loader:
                    optimizer.zero_grad()
                    logits = model(x)
                    loss = torch.nn.functional.cross_entropy(logits, y)
                    loss.backward()
                    optimizer.step()
                    sums[0] += loss.item() * len(y)
                    sums[1] += (logits.argmax(1) == y).sum().item()
                model.eval()
                with torch.no_grad():
                    val_logits = model(X_val)
                history["loss"].append(sums[0] / len(y_train))
                history["accuracy"].append(sums[1] / len(y_train))
                history["val_loss"].append(torch.nn.functional.cross_entropy(val_logits, y_val).item())
                history["val_accuracy"].append((val_logits.argmax(1) == y_val).double().mean().item())
                if saved is None or history["val_loss"][-1] < history["val_loss"][best]:
                    best, saved = epoch, copy.deepcopy(model.state_dict())
                elif epoch - best >= patience:
                    break
            model.load_state_dict(saved)
            return history
        """),
    # ---- confusion_matrix (one cell for both frameworks)
    *variants(LAB, MISTAKE, "confusion_matrix", "rows_and_columns_swapped", names=("swapped",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            counts = np.zeros((n_classes, n_classes), dtype=int)
            for true, predicted in zip(y_true, y_pred):
                counts[predicted, true] += 1
            return counts
        """),
    *variants(LAB, ALTERNATIVE, "confusion_matrix", "bincount_of_pairs", both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            pairs = np.asarray(y_true) * n_classes + np.asarray(y_pred)
            return np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
        """),
]

# ---- more answers per exercise: the data pieces (one cell for both frameworks)
VARIANTS += [
    *variants(LAB, MISTAKE, "stratified_split", "returned_in_the_wrong_order", names=("swapped",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            train, val, test = [], [], []
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_test + n_val])
                train.append(members[n_test + n_val:])
            return np.concatenate(train), np.concatenate(test), np.concatenate(val)
        """),
    *variants(LAB, MISTAKE, "stratified_split", "a_generator_without_the_seed", names=("seed",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng()
            train, val, test = [], [], []
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_test + n_val])
                train.append(members[n_test + n_val:])
            return np.concatenate(train), np.concatenate(val), np.concatenate(test)
        """),
    *variants(LAB, MISTAKE, "stratified_split", "classes_never_shuffled", names=("shuffle",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            train, val, test = [], [], []
            for label in np.unique(y):
                members = np.flatnonzero(y == label)
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_test + n_val])
                train.append(members[n_test + n_val:])
            return np.concatenate(train), np.concatenate(val), np.concatenate(test)
        """),
    *variants(LAB, MISTAKE, "stratified_split", "boolean_masks", names=("mask", "flatnonzero"), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            part = np.zeros(len(y), dtype=int)  # 0 train, 1 val, 2 test
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                part[members[:n_test]] = 2
                part[members[n_test:n_test + n_val]] = 1
            return part == 0, part == 1, part == 2
        """),
    *variants(LAB, MISTAKE, "stratified_split", "lists_never_concatenated", names=("concatenate",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            train, val, test = [], [], []
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_test + n_val])
                train.append(members[n_test + n_val:])
            return train, val, test
        """),
    *variants(LAB, MISTAKE, "stratified_split", "validation_cut_at_n_val", names=("cut",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            train, val, test = [], [], []
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_val])
                train.append(members[n_val:])
            return np.concatenate(train), np.concatenate(val), np.concatenate(test)
        """),
    *variants(LAB, MISTAKE, "stratified_split", "training_keeps_the_test_examples", names=("both",), both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            train, val, test = [], [], []
            for label in np.unique(y):
                members = rng.permutation(np.flatnonzero(y == label))
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                test.append(members[:n_test])
                val.append(members[n_test:n_test + n_val])
                train.append(members[n_val:])
            return np.concatenate(train), np.concatenate(val), np.concatenate(test)
        """),
    *variants(LAB, ALTERNATIVE, "stratified_split", "legacy_seeded_global_state", both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            np.random.seed(seed)
            train, val, test = np.array([], int), np.array([], int), np.array([], int)
            for label in range(y.max() + 1):
                idx = np.where(y == label)[0]
                if len(idx) == 0:
                    continue
                idx = np.random.permutation(idx)
                a = int(round(test_fraction * len(idx)))
                b = a + int(round(val_fraction * len(idx)))
                test, val, train = np.append(test, idx[:a]), np.append(val, idx[a:b]), np.append(train, idx[b:])
            return train, val, test
        """),
    *variants(LAB, ALTERNATIVE, "stratified_split", "random_keys_and_ranks", both="""
        def stratified_split(y, val_fraction, test_fraction, seed):
            rng = np.random.default_rng(seed)
            keys = rng.random(len(y))
            which = np.empty(len(y), dtype=object)
            for label in np.unique(y):
                members = np.flatnonzero(y == label)
                members = members[np.argsort(keys[members])]
                n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
                which[members] = "train"
                which[members[:n_test]] = "test"
                which[members[n_test:n_test + n_val]] = "val"
            return tuple(np.flatnonzero(which == name) for name in ("train", "val", "test"))
        """),

    *variants(LAB, MISTAKE, "standardize", "each_split_its_own_statistics", names=("own statistics",), both="""
        def standardize(X_train, X_val, X_test):
            scaled = []
            for X in (X_train, X_val, X_test):
                std = X.std(axis=0)
                scaled.append((X - X.mean(axis=0)) / np.where(std == 0, 1, std))
            return tuple(scaled)
        """),
    *variants(LAB, MISTAKE, "standardize", "statistics_per_example", names=("axis",), both="""
        def standardize(X_train, X_val, X_test):
            out = []
            for X in (X_train, X_val, X_test):
                mean, std = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
                out.append((X - mean) / np.where(std > 0, std, 1.0))
            return out[0], out[1], out[2]
        """),
    *variants(LAB, MISTAKE, "standardize", "divided_by_the_variance", names=("variance",), both="""
        def standardize(X_train, X_val, X_test):
            mean, var = X_train.mean(axis=0), X_train.var(axis=0)
            var = np.where(var > 0, var, 1.0)
            return (X_train - mean) / var, (X_val - mean) / var, (X_test - mean) / var
        """),
    *variants(LAB, MISTAKE, "standardize", "constant_pixels_divided_by_zero", names=("standard deviation 0",),
              both="""
        def standardize(X_train, X_val, X_test):
            mean, std = X_train.mean(axis=0), X_train.std(axis=0)
            return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std
        """),
    *variants(LAB, MISTAKE, "standardize", "changed_in_place", names=("in place", "new arrays"), both="""
        def standardize(X_train, X_val, X_test):
            mean, std = X_train.mean(axis=0), X_train.std(axis=0)
            std[std == 0] = 1
            for X in (X_train, X_val, X_test):
                X -= mean
                X /= std
            return X_train, X_val, X_test
        """),
    *variants(LAB, MISTAKE, "standardize", "min_max_scaling", names=("min-max", "standard deviation"), both="""
        def standardize(X_train, X_val, X_test):
            low, high = X_train.min(axis=0), X_train.max(axis=0)
            span = np.where(high > low, high - low, 1.0)
            return (X_train - low) / span, (X_val - low) / span, (X_test - low) / span
        """),
    *variants(LAB, MISTAKE, "standardize", "epsilon_added_to_the_std", names=("epsilon", "divide by 1"), both="""
        def standardize(X_train, X_val, X_test):
            mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8
            return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std
        """),
    *variants(LAB, ALTERNATIVE, "standardize", "sklearn_standard_scaler", both="""
        from sklearn.preprocessing import StandardScaler


        def standardize(X_train, X_val, X_test):
            scaler = StandardScaler().fit(X_train)
            return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)
        """),
    *variants(LAB, ALTERNATIVE, "standardize", "column_by_column", both="""
        def standardize(X_train, X_val, X_test):
            outputs = [np.zeros(X.shape) for X in (X_train, X_val, X_test)]
            for j in range(X_train.shape[1]):
                column = X_train[:, j]
                mu = column.sum() / len(column)
                sigma = np.sqrt(((column - mu) ** 2).mean()) or 1.0
                for out, X in zip(outputs, (X_train, X_val, X_test)):
                    out[:, j] = (X[:, j] - mu) / sigma
            return tuple(outputs)
        """),

    *variants(LAB, MISTAKE, "confusion_matrix", "sklearn_with_labels", names=("yourself",), both="""
        from sklearn import metrics


        def confusion_matrix(y_true, y_pred, n_classes):
            return metrics.confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))
        """),
    *variants(LAB, MISTAKE, "confusion_matrix", "size_from_the_data", names=("never appears",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            size = max(y_true.max(), y_pred.max()) + 1
            counts = np.zeros((size, size), dtype=int)
            for t, p in zip(y_true, y_pred):
                counts[t, p] += 1
            return counts
        """),
    *variants(LAB, MISTAKE, "confusion_matrix", "rows_normalized", names=("normalized",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            counts = np.zeros((n_classes, n_classes))
            np.add.at(counts, (y_true, y_pred), 1)
            return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        """),
    *variants(LAB, MISTAKE, "confusion_matrix", "float_counts", names=("integer",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            counts = np.zeros((n_classes, n_classes))
            for t, p in zip(y_true, y_pred):
                counts[t, p] += 1
            return counts
        """),
    *variants(LAB, MISTAKE, "confusion_matrix", "fancy_index_plus_equals", names=("np.add.at",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            counts = np.zeros((n_classes, n_classes), dtype=int)
            counts[y_true, y_pred] += 1
            return counts
        """),
    *variants(LAB, MISTAKE, "confusion_matrix", "loop_one_short", names=("last example",), both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            counts = np.zeros((n_classes, n_classes), dtype=int)
            for i in range(len(y_true) - 1):
                counts[y_true[i], y_pred[i]] += 1
            return counts
        """),
    *variants(LAB, ALTERNATIVE, "confusion_matrix", "histogram2d_as_integers", both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            edges = np.arange(n_classes + 1)
            return np.histogram2d(y_true, y_pred, bins=[edges, edges])[0].astype(np.int64)
        """),
    *variants(LAB, ALTERNATIVE, "confusion_matrix", "row_by_row_bincount", both="""
        def confusion_matrix(y_true, y_pred, n_classes):
            return np.stack([np.bincount(y_pred[y_true == c], minlength=n_classes) for c in range(n_classes)])
        """),
]


# ---- the network's pieces, per framework. A classifier cell is the solution's with one thing changed, as a
# student who got the rest right would write it.
TF_DROPOUT = """
    def dropout(x, p, training=True):
        if not training:
            return x
        keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
        return tf.where(keep, x / (1 - p), tf.zeros_like(x))
    """
TF_CLASSIFIER = """

    class DigitClassifier(tf.keras.Model):
        def __init__(self, n_inputs, n_hidden, n_classes, p, **kwargs):
            super().__init__(**kwargs)
            self.p = p
            self.W1 = self.add_weight(shape=(n_inputs, n_hidden), initializer="random_normal")
            self.b1 = self.add_weight(shape=(n_hidden,), initializer="zeros")
            self.W2 = self.add_weight(shape=(n_hidden, n_classes), initializer="random_normal")
            self.b2 = self.add_weight(shape=(n_classes,), initializer="zeros")

        def call(self, x, training=None):
            hidden = dropout(tf.nn.relu(x @ self.W1 + self.b1), self.p, training=bool(training))
            return hidden @ self.W2 + self.b2
    """
TORCH_DROPOUT = """
    def dropout(x, p, training=True):
        if not training:
            return x
        keep = torch.rand_like(x) >= p
        return torch.where(keep, x / (1 - p), torch.zeros_like(x))
    """
TORCH_CLASSIFIER = """

    class DigitClassifier(nn.Module):
        def __init__(self, n_inputs, n_hidden, n_classes, p):
            super().__init__()
            self.p = p
            self.W1 = nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)
            self.b1 = nn.Parameter(torch.zeros(n_hidden))
            self.W2 = nn.Parameter(torch.randn(n_hidden, n_classes) * 0.05)
            self.b2 = nn.Parameter(torch.zeros(n_classes))

        def forward(self, x):
            hidden = dropout(torch.relu(x @ self.W1 + self.b1), self.p, training=self.training)
            return hidden @ self.W2 + self.b2
    """


def changed(source: str, *edits: tuple[str, str]) -> str:
    """`source` with each (old, new) edit made; each old text must be there."""
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    return source


TF_CALL = "hidden = dropout(tf.nn.relu(x @ self.W1 + self.b1), self.p, training=bool(training))"
TORCH_CALL = "hidden = dropout(torch.relu(x @ self.W1 + self.b1), self.p, training=self.training)"

VARIANTS += [
    *variants(LAB, MISTAKE, "classifier", "dropout_on_while_evaluating", names=("evaluation",),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, ("training=bool(training)", "training=True")),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER, ("training=self.training", "training=True"))),
    *variants(LAB, MISTAKE, "classifier", "the_frameworks_dropout_layer", names=("your own dropout",),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, (
                  "self.p = p", "self.p = p\n            self.drop = tf.keras.layers.Dropout(p)"), (
                  TF_CALL, "hidden = self.drop(tf.nn.relu(x @ self.W1 + self.b1), training=training)")),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER, (
                  "self.p = p", "self.p = p\n            self.drop = nn.Dropout(p)"), (
                  TORCH_CALL, "hidden = self.drop(torch.relu(x @ self.W1 + self.b1))"))),
    *variants(LAB, MISTAKE, "classifier", "dropout_on_the_inputs", names=("hidden layer", "after the ReLU"),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, (
                  TF_CALL, "hidden = tf.nn.relu(dropout(x, self.p, training=bool(training)) @ self.W1 + self.b1)")),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER, (
                  TORCH_CALL, "hidden = torch.relu(dropout(x, self.p, training=self.training) @ self.W1 + self.b1)"))),
    *variants(LAB, MISTAKE, "classifier", "dropout_on_the_logits", names=("logits", "hidden layer"),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, (TF_CALL, "hidden = tf.nn.relu(x @ self.W1 + self.b1)"), (
                  "return hidden @ self.W2 + self.b2",
                  "return dropout(hidden @ self.W2 + self.b2, self.p, training=bool(training))")),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER, (TORCH_CALL, "hidden = torch.relu(x @ self.W1 + self.b1)"), (
                  "return hidden @ self.W2 + self.b2",
                  "return dropout(hidden @ self.W2 + self.b2, self.p, training=self.training)"))),
    *variants(LAB, MISTAKE, "classifier", "kept_units_not_scaled", names=("scale", "1 - p"),
              tensorflow=changed(TF_DROPOUT, ("x / (1 - p)", "x")) + TF_CLASSIFIER,
              torch=changed(TORCH_DROPOUT, ("x / (1 - p)", "x")) + TORCH_CLASSIFIER),
    *variants(LAB, MISTAKE, "classifier", "a_softmax_at_the_end", names=("softmax", "logits"),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, (
                  "return hidden @ self.W2 + self.b2", "return tf.nn.softmax(hidden @ self.W2 + self.b2)")),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER, (
                  "return hidden @ self.W2 + self.b2", "return torch.softmax(hidden @ self.W2 + self.b2, dim=1)"))),
    *variants(LAB, MISTAKE, "classifier", "none_taken_for_training", names=("training=None",),
              tensorflow=changed(TF_DROPOUT, ("if not training:", "if training == False:")) + changed(
                  TF_CLASSIFIER, ("training=bool(training)", "training=training"))),
    *variants(LAB, MISTAKE, "classifier", "a_numpy_mask", names=("NumPy", "traces"), tensorflow="""
        def dropout(x, p, training=True):
            if not training:
                return x
            keep = np.random.uniform(size=x.shape) >= p
            return tf.where(keep, x / (1 - p), tf.zeros_like(x))
        """ + TF_CLASSIFIER),
    *variants(LAB, MISTAKE, "classifier", "weights_as_plain_tensors", names=("trainable",),
              torch=TORCH_DROPOUT + changed(TORCH_CLASSIFIER,
                                            ("nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)",
                                             "torch.randn(n_inputs, n_hidden, requires_grad=True)"),
                                            ("nn.Parameter(torch.zeros(n_hidden))", "torch.zeros(n_hidden, requires_grad=True)"),
                                            ("nn.Parameter(torch.randn(n_hidden, n_classes) * 0.05)",
                                             "torch.randn(n_hidden, n_classes, requires_grad=True)"),
                                            ("nn.Parameter(torch.zeros(n_classes))", "torch.zeros(n_classes, requires_grad=True)"))),
    *variants(LAB, MISTAKE, "classifier", "weight_matrices_transposed", names=("transposed",),
              tensorflow=TF_DROPOUT + changed(TF_CLASSIFIER, ("shape=(n_inputs, n_hidden)", "shape=(n_hidden, n_inputs)"), (
                  "shape=(n_hidden, n_classes)", "shape=(n_classes, n_hidden)"), (
                  "x @ self.W1", "x @ tf.transpose(self.W1)"), ("hidden @ self.W2", "hidden @ tf.transpose(self.W2)"))),
    *variants(LAB, ALTERNATIVE, "classifier", "a_mask_from_bernoulli_and_dense_math",
              tensorflow="""
        def dropout(x, p, training=True):
            if training is None or training is False or p == 0:
                return x
            mask = tf.cast(tf.random.uniform(tf.shape(x)) > p, x.dtype)
            return mask * x * (1.0 / (1.0 - p))
        """ + changed(TF_CLASSIFIER, (TF_CALL, "hidden = dropout(tf.maximum(tf.matmul(x, self.W1) + self.b1, 0), "
                                                "self.p, training)")),
              torch="""
        def dropout(x, p, training=True):
            if not training or p == 0:
                return x
            mask = (torch.rand(x.shape) > p).to(x.dtype)
            return mask * x * (1.0 / (1.0 - p))
        """ + changed(TORCH_CLASSIFIER, ("nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)",
                                         "nn.Parameter(0.05 * torch.randn(n_inputs, n_hidden))"), (
            TORCH_CALL, "hidden = dropout(torch.nn.functional.relu(torch.addmm(self.b1, x, self.W1)), self.p, "
                        "self.training)"))),
]

TF_LOSS = """
    def softmax_cross_entropy(logits, labels):
        shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
        log_probabilities = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
        return -tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))
    """
TORCH_LOSS = """
    def softmax_cross_entropy(logits, labels):
        shifted = logits - logits.max(dim=1, keepdim=True).values
        log_probabilities = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
        return -log_probabilities[torch.arange(len(labels)), labels].mean()
    """

VARIANTS += [
    *variants(LAB, MISTAKE, "cross_entropy", "the_minus_sign_dropped", names=("minus sign",),
              tensorflow=changed(TF_LOSS, ("return -tf.reduce_mean", "return tf.reduce_mean")),
              torch=changed(TORCH_LOSS, ("return -log_probabilities", "return log_probabilities"))),
    *variants(LAB, MISTAKE, "cross_entropy", "summed_over_the_batch", names=("mean",),
              tensorflow=changed(TF_LOSS, ("-tf.reduce_mean(", "-tf.reduce_sum(")),
              torch=changed(TORCH_LOSS, ("labels].mean()", "labels].sum()"))),
    *variants(LAB, MISTAKE, "cross_entropy", "one_loss_per_example", names=("one loss per example", "mean"),
              tensorflow=changed(TF_LOSS, ("-tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))",
                                           "-tf.gather(log_probabilities, labels, axis=1, batch_dims=1)")),
              torch=changed(TORCH_LOSS, ("labels].mean()", "labels]"))),
    *variants(LAB, MISTAKE, "cross_entropy", "every_label_for_every_row", names=("own label",), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
            log_probabilities = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
            return -tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            shifted = logits - logits.max(dim=1, keepdim=True).values
            log_probabilities = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
            return -log_probabilities[:, labels].mean()
        """),
    *variants(LAB, MISTAKE, "cross_entropy", "the_max_never_added_back", names=("added back",), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            m = tf.reduce_max(logits, axis=1)
            log_sum = tf.math.log(tf.reduce_sum(tf.exp(logits - m[:, None]), axis=1))
            return tf.reduce_mean(log_sum - tf.gather(logits, labels, axis=1, batch_dims=1))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            m = logits.max(dim=1).values
            log_sum = torch.log(torch.exp(logits - m[:, None]).sum(dim=1))
            return (log_sum - logits[torch.arange(len(labels)), labels]).mean()
        """),
    *variants(LAB, MISTAKE, "cross_entropy", "log_of_a_stable_softmax", names=("log", "underflow"), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            e = tf.exp(logits - tf.reduce_max(logits, axis=1, keepdims=True))
            p = e / tf.reduce_sum(e, axis=1, keepdims=True)
            return -tf.reduce_mean(tf.math.log(tf.gather(p, labels, axis=1, batch_dims=1)))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            e = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
            p = e / e.sum(dim=1, keepdim=True)
            return -torch.log(p[torch.arange(len(labels)), labels]).mean()
        """),
    *variants(LAB, MISTAKE, "cross_entropy", "the_frameworks_own_loss", names=("formula",), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            return torch.nn.functional.cross_entropy(logits, labels)
        """),
    *variants(LAB, MISTAKE, "cross_entropy", "softmax_over_the_batch", names=("axis",), tensorflow="""
        def softmax_cross_entropy(logits, labels):
            shifted = logits - tf.reduce_max(logits, axis=0, keepdims=True)
            log_probabilities = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=0, keepdims=True))
            return -tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            shifted = logits - logits.max(dim=0, keepdim=True).values
            log_probabilities = shifted - torch.log(torch.exp(shifted).sum(dim=0, keepdim=True))
            return -log_probabilities[torch.arange(len(labels)), labels].mean()
        """),
    *variants(LAB, ALTERNATIVE, "cross_entropy", "a_loop_over_the_rows", tensorflow="""
        def softmax_cross_entropy(logits, labels):
            losses = []
            for i in range(logits.shape[0]):
                row = logits[i]
                m = tf.reduce_max(row)
                losses.append(m + tf.math.log(tf.reduce_sum(tf.exp(row - m))) - row[labels[i]])
            return tf.add_n(losses) / len(losses)
        """, torch="""
        def softmax_cross_entropy(logits, labels):
            total = 0.0
            for row, label in zip(logits, labels):
                m = row.max()
                total = total + m + torch.log(torch.exp(row - m).sum()) - row[label]
            return total / len(labels)
        """),
]

TF_STEP = """
    def make_train_step(model, optimizer, loss_fn):
        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss = loss_fn(logits, y)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss, logits
        return step
    """
TORCH_STEP = """
    def make_train_step(model, optimizer, loss_fn):
        def step(x, y):
            model.train()
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            return loss.detach(), logits.detach()
        return step
    """

VARIANTS += [
    *variants(LAB, MISTAKE, "train_step", "the_mode_never_set", names=("evaluation mode", "model.train()|training=True"),
              tensorflow=changed(TF_STEP, ("model(x, training=True)", "model(x)")),
              torch=changed(TORCH_STEP, ("            model.train()\n", ""))),
    *variants(LAB, MISTAKE, "train_step", "logits_from_after_the_update", names=("after the update",),
              tensorflow=changed(TF_STEP, ("return loss, logits", "return loss_fn(model(x), y), model(x)")),
              torch=changed(TORCH_STEP, ("return loss.detach(), logits.detach()", """with torch.no_grad():
                logits = model(x)
            return loss_fn(logits, y), logits"""))),
    *variants(LAB, MISTAKE, "train_step", "gradient_ascent", names=("uphill",),
              tensorflow=changed(TF_STEP, ("zip(grads,", "zip([-g for g in grads],")),
              torch=changed(TORCH_STEP, ("loss.backward()", "(-loss).backward()"))),
    *variants(LAB, MISTAKE, "train_step", "the_update_never_made", names=("did not change",),
              tensorflow=changed(TF_STEP, ("            optimizer.apply_gradients(zip(grads, model.trainable_variables))\n", "")),
              torch=changed(TORCH_STEP, ("            optimizer.step()\n", ""))),
    *variants(LAB, MISTAKE, "train_step", "gradients_cleared_before_the_update", names=("did not change",),
              torch=changed(TORCH_STEP, ("            optimizer.zero_grad()\n", ""), (
                  "loss.backward()\n", "loss.backward()\n            optimizer.zero_grad()\n"))),
    *variants(LAB, MISTAKE, "train_step", "the_loss_arguments_swapped", names=("order|argument",),
              tensorflow=changed(TF_STEP, ("loss_fn(logits, y)", "loss_fn(y, logits)")),
              torch=changed(TORCH_STEP, ("loss_fn(logits, y)", "loss_fn(y, logits)"))),
    *variants(LAB, ALTERNATIVE, "train_step", "variables_read_once_and_a_torch_closure", tensorflow="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    logits = model(x, training=True)
                    loss = loss_fn(logits, y)
                variables = model.trainable_weights
                optimizer.apply_gradients(list(zip(tape.gradient(loss, variables), variables)))
                return loss, logits
            return tf.function(step)
        """, torch="""
        def make_train_step(model, optimizer, loss_fn):
            def step(x, y):
                model.train(True)
                for parameter in model.parameters():
                    parameter.grad = None
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                optimizer.step()
                return float(loss), logits.detach().clone()
            return step
        """),
]

TF_EPOCH = """
    def train_epoch(step, batches):
        total_loss, correct, seen = 0.0, 0, 0
        for x, y in batches:
            loss, logits = step(x, y)
            total_loss += float(loss) * len(y)
            correct += int(tf.reduce_sum(tf.cast(tf.argmax(logits, axis=1) == y, tf.int32)))
            seen += len(y)
        return total_loss / seen, correct / seen
    """
TORCH_EPOCH = """
    def train_epoch(step, batches):
        total_loss, correct, seen = 0.0, 0, 0
        for x, y in batches:
            loss, logits = step(x, y)
            total_loss += float(loss) * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
            seen += len(y)
        return total_loss / seen, correct / seen
    """

VARIANTS += [
    *variants(LAB, MISTAKE, "train_epoch", "the_last_batch_skipped", names=("last batch",),
              tensorflow=changed(TF_EPOCH, ("for x, y in batches:", "for x, y in list(batches)[:-1]:")),
              torch=changed(TORCH_EPOCH, ("for x, y in batches:", "for x, y in list(batches)[:-1]:"))),
    *variants(LAB, MISTAKE, "train_epoch", "tensors_returned", names=("Python float",),
              tensorflow=changed(TF_EPOCH, ("float(loss) * len(y)", "loss * len(y)")),
              torch=changed(TORCH_EPOCH, ("int((logits.argmax(dim=1) == y).sum())", "(logits.argmax(dim=1) == y).sum()"))),
    *variants(LAB, MISTAKE, "train_epoch", "examples_counted_from_the_last_batch", names=("last batch is smaller",),
              tensorflow=changed(TF_EPOCH, ("            seen += len(y)\n", ""), (
                  "return total_loss / seen, correct / seen",
                  "seen = len(batches) * len(y)\n        return total_loss / seen, correct / seen")),
              torch=changed(TORCH_EPOCH, ("            seen += len(y)\n", ""), (
                  "return total_loss / seen, correct / seen",
                  "seen = len(batches) * len(y)\n        return total_loss / seen, correct / seen"))),
    *variants(LAB, MISTAKE, "train_epoch", "step_called_twice_per_batch", names=("more than once per batch",),
              tensorflow=changed(TF_EPOCH, ("loss, logits = step(x, y)", "loss, logits = step(x, y)[0], step(x, y)[1]")),
              torch=changed(TORCH_EPOCH, ("loss, logits = step(x, y)", "loss, logits = step(x, y)[0], step(x, y)[1]"))),
    *variants(LAB, MISTAKE, "train_epoch", "the_number_right_returned", names=("number of examples",),
              tensorflow=changed(TF_EPOCH, ("correct / seen", "correct")),
              torch=changed(TORCH_EPOCH, ("correct / seen", "correct"))),
    *variants(LAB, MISTAKE, "train_epoch", "divided_by_the_number_of_batches", names=("number of batches",),
              tensorflow=changed(TF_EPOCH, ("total_loss / seen,", "total_loss / len(batches),")),
              torch=changed(TORCH_EPOCH, ("total_loss / seen,", "total_loss / len(batches),"))),
    *variants(LAB, MISTAKE, "train_epoch", "mean_of_the_batch_accuracies", names=("batch accuracies",), tensorflow="""
        def train_epoch(step, batches):
            total_loss, seen, accuracies = 0.0, 0, []
            for x, y in batches:
                loss, logits = step(x, y)
                total_loss += float(loss) * len(y)
                seen += len(y)
                accuracies.append(float(tf.reduce_mean(tf.cast(tf.argmax(logits, axis=1) == y, tf.float32))))
            return total_loss / seen, sum(accuracies) / len(accuracies)
        """, torch="""
        def train_epoch(step, batches):
            total_loss, seen, accuracies = 0.0, 0, []
            for x, y in batches:
                loss, logits = step(x, y)
                total_loss += float(loss) * len(y)
                seen += len(y)
                accuracies.append((logits.argmax(dim=1) == y).float().mean().item())
            return total_loss / seen, sum(accuracies) / len(accuracies)
        """),
    *variants(LAB, ALTERNATIVE, "train_epoch", "lists_and_a_dot_product", tensorflow="""
        def train_epoch(step, batches):
            losses, sizes, hits = [], [], []
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(float(loss))
                sizes.append(int(y.shape[0]))
                hits.append(int(np.sum(np.argmax(logits, axis=1) == np.asarray(y))))
            n = sum(sizes)
            return float(np.dot(losses, sizes)) / n, sum(hits) / n
        """, torch="""
        def train_epoch(step, batches):
            losses, sizes, hits = [], [], []
            for x, y in batches:
                loss, logits = step(x, y)
                losses.append(float(loss))
                sizes.append(y.shape[0])
                hits.append(torch.sum(torch.argmax(logits, 1) == y).item())
            n = sum(sizes)
            return float(np.dot(losses, sizes)) / n, sum(hits) / n
        """),
]

TF_FIT = """
    def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
        step = make_train_step(model, tf.keras.optimizers.Adam(learning_rate), softmax_cross_entropy)
        batches = make_batches(X_train, y_train, batch_size, seed)
        history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        best_loss, best_weights, epochs_without_improvement = float("inf"), model.get_weights(), 0
        for _ in range(max_epochs):
            loss, accuracy = train_epoch(step, batches)
            val_loss, val_accuracy = evaluate(model, X_val, y_val)
            for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
                history[key].append(value)
            if val_loss < best_loss:
                best_loss, best_weights, epochs_without_improvement = val_loss, model.get_weights(), 0
            else:
                epochs_without_improvement += 1
                if epochs_without_improvement == patience:
                    break
        model.set_weights(best_weights)
        return history
    """
TORCH_FIT = """
    def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
        step = make_train_step(model, torch.optim.Adam(model.parameters(), lr=learning_rate), softmax_cross_entropy)
        batches = make_batches(X_train, y_train, batch_size, seed)
        history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        best_loss, best_state, epochs_without_improvement = float("inf"), copy.deepcopy(model.state_dict()), 0
        for _ in range(max_epochs):
            loss, accuracy = train_epoch(step, batches)
            val_loss, val_accuracy = evaluate(model, X_val, y_val)
            for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
                history[key].append(value)
            if val_loss < best_loss:
                best_loss, best_state, epochs_without_improvement = val_loss, copy.deepcopy(model.state_dict()), 0
            else:
                epochs_without_improvement += 1
                if epochs_without_improvement == patience:
                    break
        model.load_state_dict(best_state)
        return history
    """
TF_RESTORE, TORCH_RESTORE = "        model.set_weights(best_weights)\n", "        model.load_state_dict(best_state)\n"
BREAK = "                    break\n"

VARIANTS += [
    *variants(LAB, HIDDEN_ONLY, "fit", "best_weights_restored_only_on_an_early_stop", names=("max_epochs", "best"),
              tensorflow=changed(TF_FIT, (TF_RESTORE, ""), (BREAK, "                    model.set_weights(best_weights)\n" + BREAK)),
              torch=changed(TORCH_FIT, (TORCH_RESTORE, ""), (BREAK, "                    model.load_state_dict(best_state)\n" + BREAK))),
    *variants(LAB, HIDDEN_ONLY, "fit", "one_epoch_short", names=("max_epochs",),
              tensorflow=changed(TF_FIT, ("range(max_epochs)", "range(max_epochs - 1)")),
              torch=changed(TORCH_FIT, ("range(max_epochs)", "range(max_epochs - 1)"))),
    *variants(LAB, MISTAKE, "fit", "the_weights_kept_by_reference", names=("last epoch", "copy"),
              tensorflow=changed(TF_FIT, ("model.get_weights(), 0", "model.trainable_variables, 0"), (
                  TF_RESTORE, "        model.set_weights([w.numpy() for w in best_weights])\n")),
              torch=changed(TORCH_FIT, ("copy.deepcopy(model.state_dict()), 0", "model.state_dict(), 0"))),
    *variants(LAB, MISTAKE, "fit", "one_epoch_too_late", names=("too late",),
              tensorflow=changed(TF_FIT, ("epochs_without_improvement == patience", "epochs_without_improvement > patience")),
              torch=changed(TORCH_FIT, ("epochs_without_improvement == patience", "epochs_without_improvement > patience"))),
    *variants(LAB, MISTAKE, "fit", "never_stops_early", names=("never stops early",),
              tensorflow=changed(TF_FIT, ("                if epochs_without_improvement == patience:\n" + BREAK, "")),
              torch=changed(TORCH_FIT, ("                if epochs_without_improvement == patience:\n" + BREAK, ""))),
    *variants(LAB, MISTAKE, "fit", "validated_on_the_training_split", names=("X_val",),
              tensorflow=changed(TF_FIT, ("evaluate(model, X_val, y_val)", "evaluate(model, X_train, y_train)")),
              torch=changed(TORCH_FIT, ("evaluate(model, X_val, y_val)", "evaluate(model, X_train, y_train)"))),
    *variants(LAB, MISTAKE, "fit", "the_keys_abbreviated", names=("val_accuracy",),
              tensorflow=changed(TF_FIT, ('"val_accuracy": []', '"val_acc": []')),
              torch=changed(TORCH_FIT, ('"val_accuracy": []', '"val_acc": []'))),
    *variants(LAB, MISTAKE, "fit", "the_model_returned", names=("history",),
              tensorflow=changed(TF_FIT, ("    return history\n", "    return model\n")),
              torch=changed(TORCH_FIT, ("    return history\n", "    return model\n"))),
    *variants(LAB, ALTERNATIVE, "fit", "best_epoch_from_the_history", tensorflow="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
            step = make_train_step(model, optimizer, softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = dict(loss=[], accuracy=[], val_loss=[], val_accuracy=[])
            saved = [w.numpy().copy() for w in model.weights]
            epoch = 0
            while epoch < max_epochs:
                loss, accuracy = train_epoch(step, batches)
                val_loss, val_accuracy = evaluate(model, X_val, y_val)
                history["loss"].append(loss)
                history["accuracy"].append(accuracy)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_accuracy)
                best = history["val_loss"].index(min(history["val_loss"]))
                if best == epoch:
                    saved = [w.numpy().copy() for w in model.weights]
                elif epoch - best == patience:
                    break
                epoch += 1
            for w, value in zip(model.weights, saved):
                w.assign(value)
            return history
        """, torch="""
        def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
            step = make_train_step(model, optimizer, softmax_cross_entropy)
            batches = make_batches(X_train, y_train, batch_size, seed)
            history = dict(loss=[], accuracy=[], val_loss=[], val_accuracy=[])
            saved = {name: value.detach().clone() for name, value in model.state_dict().items()}
            epoch = 0
            while epoch < max_epochs:
                loss, accuracy = train_epoch(step, batches)
                val_loss, val_accuracy = evaluate(model, X_val, y_val)
                history["loss"].append(loss)
                history["accuracy"].append(accuracy)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_accuracy)
                best = history["val_loss"].index(min(history["val_loss"]))
                if best == epoch:
                    saved = {name: value.detach().clone() for name, value in model.state_dict().items()}
                elif epoch - best == patience:
                    break
                epoch += 1
            model.load_state_dict(saved)
            return history
        """),
]

TF_FRAMEWORK = """
    def framework_model(n_inputs, n_hidden, n_classes, p):
        return tf.keras.Sequential([tf.keras.Input((n_inputs,)), tf.keras.layers.Dense(n_hidden, activation="relu"),
                                    tf.keras.layers.Dropout(p), tf.keras.layers.Dense(n_classes)])


    def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
        tf.keras.utils.set_random_seed(seed)
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
        history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=max_epochs,
                            batch_size=batch_size, callbacks=[stopper], verbose=0)
        return history.history
    """
TORCH_FRAMEWORK = """
    def framework_model(n_inputs, n_hidden, n_classes, p):
        return nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_classes))


    def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
        loader = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
        loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=learning_rate)
        history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        best_loss, best_state, waited = float("inf"), copy.deepcopy(model.state_dict()), 0
        for _ in range(max_epochs):
            model.train()
            total_loss, correct = 0.0, 0
            for x, y in loader:
                optimizer.zero_grad()
                logits = model(x)
                loss = loss_fn(logits, y)
                loss.backward()
                optimizer.step()
                total_loss += loss.item() * len(y)
                correct += int((logits.argmax(dim=1) == y).sum())
            model.eval()
            with torch.no_grad():
                val_logits = model(X_val)
            val_loss = loss_fn(val_logits, y_val).item()
            history["loss"].append(total_loss / len(y_train))
            history["accuracy"].append(correct / len(y_train))
            history["val_loss"].append(val_loss)
            history["val_accuracy"].append((val_logits.argmax(dim=1) == y_val).float().mean().item())
            if val_loss < best_loss:
                best_loss, best_state, waited = val_loss, copy.deepcopy(model.state_dict()), 0
            else:
                waited += 1
                if waited == patience:
                    break
        model.load_state_dict(best_state)
        return history
    """

VARIANTS += [
    *variants(LAB, MISTAKE, "framework", "a_softmax_before_a_loss_on_logits", names=("probabilities", "logits"),
              tensorflow=changed(TF_FRAMEWORK, ("tf.keras.layers.Dense(n_classes)",
                                                'tf.keras.layers.Dense(n_classes, activation="softmax")')),
              torch=changed(TORCH_FRAMEWORK, ("nn.Linear(n_hidden, n_classes))", "nn.Linear(n_hidden, n_classes), "
                                                                                  "nn.Softmax(dim=1))"))),
    *variants(LAB, MISTAKE, "framework", "no_relu", names=("ReLU",),
              tensorflow=changed(TF_FRAMEWORK, ('tf.keras.layers.Dense(n_hidden, activation="relu")',
                                                "tf.keras.layers.Dense(n_hidden)")),
              torch=changed(TORCH_FRAMEWORK, ("nn.ReLU(), ", ""))),
    *variants(LAB, MISTAKE, "framework", "no_dropout_layer", names=("Dropout",),
              tensorflow=changed(TF_FRAMEWORK, ("                                tf.keras.layers.Dropout(p), ",
                                                "                                ")),
              torch=changed(TORCH_FRAMEWORK, ("nn.Dropout(p), ", ""))),
    *variants(LAB, MISTAKE, "framework", "patience_typed_in", names=("too late",),
              tensorflow=changed(TF_FRAMEWORK, ("patience=patience", "patience=3")),
              torch=changed(TORCH_FRAMEWORK, ("if waited == patience:", "if waited == 3:"))),
    *variants(LAB, MISTAKE, "framework", "the_loss_takes_probabilities", names=("from_logits",),
              tensorflow=changed(TF_FRAMEWORK, ("SparseCategoricalCrossentropy(from_logits=True)",
                                                "SparseCategoricalCrossentropy()"))),
    *variants(LAB, MISTAKE, "framework", "monitoring_the_training_loss", names=("validation loss", "stop"),
              tensorflow=changed(TF_FRAMEWORK, ('monitor="val_loss"', 'monitor="loss"'))),
    *variants(LAB, MISTAKE, "framework", "dropout_on_while_validating", names=("evaluation mode",),
              torch=changed(TORCH_FRAMEWORK, ("            model.eval()\n", ""))),
    *variants(LAB, MISTAKE, "framework", "the_state_dict_not_copied", names=("last epoch", "deepcopy"),
              torch=changed(TORCH_FRAMEWORK, ("copy.deepcopy(model.state_dict()), 0", "model.state_dict(), 0"))),
    *variants(LAB, HIDDEN_ONLY, "framework", "restored_only_on_an_early_stop", names=("max_epochs", "best"),
              torch=changed(TORCH_FRAMEWORK, ("        model.load_state_dict(best_state)\n", ""), (
                  "                    break\n", "                    model.load_state_dict(best_state)\n"
                                                 "                    break\n"))),
    *variants(LAB, ALTERNATIVE, "framework", "functional_model_and_a_loss_function", tensorflow="""
        def framework_model(n_inputs, n_hidden, n_classes, p):
            inputs = tf.keras.Input(shape=(n_inputs,))
            hidden = tf.keras.layers.Dropout(p)(tf.keras.layers.ReLU()(tf.keras.layers.Dense(n_hidden)(inputs)))
            return tf.keras.Model(inputs, tf.keras.layers.Dense(n_classes)(hidden))


        def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
            tf.keras.utils.set_random_seed(seed)
            loss = lambda y, z: tf.keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True)
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                          metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
            result = model.fit(X_train, y_train, batch_size=batch_size, epochs=max_epochs, verbose=0,
                               validation_data=(X_val, y_val), shuffle=True,
                               callbacks=[tf.keras.callbacks.EarlyStopping("val_loss", patience=patience,
                                                                           restore_best_weights=True)])
            return {key: list(values) for key, values in result.history.items()}
        """, torch=changed(TORCH_FRAMEWORK, ("copy.deepcopy(model.state_dict())", "{k: v.clone() for k, v in model.state_dict().items()}"),
                           ("nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_classes))",
                            "nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(inplace=True), nn.Dropout(p=p), "
                            "nn.Linear(n_hidden, n_classes))"))),
    # ---- bug_museum (one cell for both frameworks)
    *variants(LAB, MISTAKE, "bug_museum", "softmax_labels", names=("['softmax_first']", "the labels are fine"),
              both="""
        def bug_museum():
            return {"softmax_first": "a", "own_statistics": "c", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "softmax_price_of_ten", names=("['softmax_first']", "log(e + 9) - 1"),
              both="""
        def bug_museum():
            return {"softmax_first": "c", "own_statistics": "c", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "softmax_overflow", names=("['softmax_first']", "4.9e8"), both="""
        def bug_museum():
            return {"softmax_first": "d", "own_statistics": "c", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "statistics_bias_absorbs", names=("['own_statistics']", "one fixed shift"),
              both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "a", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "statistics_batch_too_small",
              names=("['own_statistics']", "-1.26 against -1.18"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "b", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "statistics_nan", names=("['own_statistics']", "no NaN"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "d", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "dropout_still_training", names=("['dropout_on']", "nothing trains"),
              both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "c", "dropout_on": "b"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "dropout_shuffled", names=("['dropout_on']", "same tensor"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "c", "dropout_on": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "dropout_rounding", names=("['dropout_on']", "rounding could move"),
              both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "c", "dropout_on": "d"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "an_exhibit_missing", names=("keys", "'dropout_on'"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "c"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_key_misspelled", names=("keys", "'own_statistics'"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistic": "c", "dropout_on": "a"}
        """),
    *variants(LAB, MISTAKE, "bug_museum", "letters_in_a_list", names=("should return a dict", "got list"), both="""
        def bug_museum():
            return ["b", "c", "a"]
        """),
    *variants(LAB, MISTAKE, "bug_museum", "a_number_for_a_letter",
              names=("['dropout_on']", "as a string", "got int"), both="""
        def bug_museum():
            return {"softmax_first": "b", "own_statistics": "c", "dropout_on": 1}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "capitals", both="""
        def bug_museum():
            return {"softmax_first": "B", "own_statistics": "C", "dropout_on": "A"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "parentheses_in_another_order", both="""
        def bug_museum():
            return {"dropout_on": "(a)", "softmax_first": "(b)", "own_statistics": "c)"}
        """),
    *variants(LAB, ALTERNATIVE, "bug_museum", "built_from_pairs", both="""
        def bug_museum():
            return dict(zip(["softmax_first", "own_statistics", "dropout_on"], "bca"))
        """),
]
