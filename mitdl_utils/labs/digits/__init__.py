"""Lab 07, digits: a real data set, and a network built, trained and judged from the student's own pieces.

The exercises' tests live beside this file, by what they test: `data_checks` (the split, the scaling, the
confusion matrix: NumPy in and out), `model_checks` (dropout and the classifier, the loss, one step, one
epoch) and `training_checks` (whole training runs, judged on splits only the grader knows).
"""
from mitdl_utils.checking import Exercise
from mitdl_utils.labs.digits.data_checks import test_confusion_matrix, test_standardize, test_stratified_split
from mitdl_utils.labs.digits.model_checks import test_classifier, test_cross_entropy, test_train_epoch, test_train_step
from mitdl_utils.labs.digits.shared import N_CLASSES, digits  # noqa: F401 (for the notebooks)
from mitdl_utils.labs.digits.training_checks import (DROPOUT, N_HIDDEN, PASS_ACCURACY, TRAINING,  # noqa: F401
                                                     test_fit, test_framework)

# The notebook's own split: 60% training, 20% validation, 20% test.
VAL_FRACTION, TEST_FRACTION, SPLIT_SEED = 0.2, 0.2, 0

# Reference helpers that make the objects a test gives the student's code (models, optimizers) or work on the
# objects it returns: the grader runs these in the notebook's process (autograder.remote); every other helper
# works on data and runs in the judge.
IN_NOTEBOOK = frozenset({
    "check_model", "evaluate", "layer_kinds", "linear_weights", "logits_by_default", "logits_compiled_twice",
    "logits_in_mode", "make_classifier", "make_linear", "make_sgd", "parameter_arrays", "seeded_framework_model",
    "training_modes",
})

EXERCISES = [
    Exercise("stratified_split", "A stratified, seeded split", 2, test_stratified_split, [
        "Work class by class: take the indices of one class, shuffle them with a generator made from the seed, "
        "and cut the shuffled list into a test part, a validation part and the rest.",
        "rng = np.random.default_rng(seed) once; for each label c, rng.permutation(np.flatnonzero(y == c)); the "
        "first round(test_fraction * n) go to test, the next round(val_fraction * n) to validation. "
        "np.concatenate the three lists at the end.",
    ]),
    Exercise("standardize", "Scaling with training statistics only", 2, test_standardize, [
        "Compute one mean and one standard deviation per feature (per column), from X_train alone, and use those "
        "same numbers to scale all three splits.",
        "mean = X_train.mean(axis=0), std = X_train.std(axis=0); where std == 0 use 1 instead (np.where), then "
        "return (X - mean) / std for X in (X_train, X_val, X_test).",
    ]),
    Exercise("classifier", "Dropout and a dense classifier of your own", 3, test_classifier, [
        "dropout as in lab 06. The classifier holds four trainable tensors (W1, b1, W2, b2); its forward pass is a "
        "dense layer with ReLU, your dropout on its output, and a second dense layer that gives the logits.",
        "Shapes: W1 (n_inputs, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_classes), b2 (n_classes,). The hidden "
        "layer is relu(x @ W1 + b1); call dropout on it with the model's mode (training= in Keras, self.training "
        "in PyTorch), then multiply by W2 and add b2. No softmax at the end.",
    ]),
    Exercise("cross_entropy", "Softmax cross-entropy on logits, computed stably", 2, test_cross_entropy, [
        "The loss of one example is log(sum_j exp(z_j)) - z_label: the log of the softmax's denominator, minus "
        "the logit of the right class. Average it over the batch.",
        "Stability: with m = the row's max, log(sum_j exp(z_j)) = m + log(sum_j exp(z_j - m)), and exp(z_j - m) "
        "<= 1 never overflows. Pick each row's label entry with tf.gather(..., batch_dims=1) or "
        "[torch.arange(n), labels].",
    ]),
    Exercise("train_step", "One training step", 2, test_train_step, [
        "The step does what lab 05's loop did for one batch: the model's logits, the loss, its gradients, one "
        "optimizer update. Return the loss and the logits computed before the update.",
        "TensorFlow: inside `with tf.GradientTape() as tape:` compute logits = model(x, training=True) and the "
        "loss; then tape.gradient(loss, model.trainable_variables) and optimizer.apply_gradients(zip(...)). "
        "PyTorch: model.train(), optimizer.zero_grad(), loss.backward(), optimizer.step().",
    ]),
    Exercise("train_epoch", "One epoch, as Keras reports it", 2, test_train_epoch, [
        "Call step(x, y) once per batch, and keep two running totals over the epoch: the loss times the batch's "
        "size, and the number of examples whose largest logit is their label.",
        "At the end divide both totals by the number of examples seen: loss_sum / n and correct / n. The "
        "predicted class is argmax(logits, axis=1); compare it with y and count the matches.",
    ]),
    Exercise("fit", "Training with Adam and early stopping, from your pieces", 3, test_fit, [
        "One optimizer and one step for the whole run, one train_epoch and one evaluate on the validation split "
        "per epoch, the four numbers appended to the history; then the early-stopping rule of lab 06.",
        "Start with best = inf and waited = 0. After each epoch: if val_loss < best (a strict improvement), "
        "best = val_loss, copy the weights, waited = 0; else waited += 1 and break once waited == patience. "
        "Load the copy back before returning the history.",
    ]),
    Exercise("framework", "The framework's way: its layers, its loss, its training loop", 3, test_framework, [
        "framework_model is the same network from the framework's layers. framework_fit trains it the idiomatic "
        "way: Keras's compile and fit with an EarlyStopping callback; in PyTorch a loop over a DataLoader.",
        "Keras: compile(optimizer=Adam(learning_rate), loss=SparseCategoricalCrossentropy(from_logits=True), "
        "metrics=['accuracy']), then fit(..., validation_data=(X_val, y_val), callbacks=[EarlyStopping("
        "monitor='val_loss', patience=patience, restore_best_weights=True)]). PyTorch: nn.CrossEntropyLoss(), "
        "the loop of your fit, and copy.deepcopy(model.state_dict()) for the best weights.",
    ]),
    Exercise("confusion_matrix", "The confusion matrix", 2, test_confusion_matrix, [
        "Start from a table of zeros, one row per true class and one column per predicted class, and add 1 to "
        "the entry of every (true, predicted) pair.",
        "matrix = np.zeros((n_classes, n_classes), int); for t_i, p_i in zip(y_true, y_pred): matrix[t_i, p_i] "
        "+= 1 (np.add.at(matrix, (y_true, y_pred), 1) does the same without a loop).",
    ]),
]
