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
from mitdl_utils.prediction import Choice, prediction_test

# The notebook's own split: 60% training, 20% validation, 20% test.
VAL_FRACTION, TEST_FRACTION, SPLIT_SEED = 0.2, 0.2, 0

# ---- predict, then run: the linear baseline against the MLP ----

# The numbers are those of the notebook's split (seed 0) trained as the notebook trains: five runs from fresh
# weights in PyTorch and three in TensorFlow gave the MLP 98.3-98.9% of the 359 validation digits and the linear
# model 97.2-98.1%, with the linear model behind the MLP in every run.
LINEAR_BASELINE = Choice(
    "where the linear baseline's best validation accuracy lands next to the MLP's", options={
        "a": "Near chance, about 10%: one linear layer draws a single flat boundary, which can split two classes "
             "but not ten.",
        "b": "Around 80%: pixels relate to digits in too curved a way for flat boundaries, so the hidden layer "
             "is worth 15 points or more.",
        "c": "Within 3 points of the MLP's, above 95%: flat boundaries between the classes already separate "
             "almost all of these small digits.",
        "d": "Several points above the MLP's: with 650 weights instead of 19,210 it cannot overfit the 1,079 "
             "training digits, while the MLP learns them by heart.",
    }, answer="c", why={
        "a": "softmax regression has one linear score per class and answers with the largest, so its ten scores "
             "cut the space of pixels into ten regions, one per digit, not two. Chance is what the untrained "
             "network scored (about 10%); trained, the linear model gets about 97-98% of the 359 validation "
             "digits right",
        "b": "at 80% the linear model would miss about 70 of the 359 validation digits; it misses 7 to 10, and "
             "the MLP 4 to 6. The curved part of the problem is a handful of digits, not a fifth of them",
        "d": "the MLP does learn its training digits almost by heart, but dropout and early stopping (the epoch "
             "with the lowest validation loss is kept) stop that from costing it on new digits: its validation "
             "accuracy, 98.3-98.9%, stays above the linear model's 97.2-98.1% in every run, and several points "
             "above it would be over 100%",
    })


# ---- 11. the bug museum ----

# The numbers of dropout_on are those of the notebook's run (the same seeded start in both frameworks gives
# accuracies a point or two apart, and a few dozen changed answers in each).
MUSEUM = {
    "softmax_first": Choice(
        "softmax_first: the slide's loss line, given the model's probabilities as `predicted`, says 1.461 for "
        "answers that are sure and right, and 2.461 for answers that are sure and wrong. Why?", options={
            "a": "The labels are in the wrong form for probabilities: the loss wants one-hot rows (or class "
                 "indices) where the cell gives the other kind.",
            "b": "The loss applies its own softmax, so the probabilities get a second one: ten inputs between 0 "
                 "and 1 never give a class a probability near 1.",
            "c": "That is what cross-entropy is: even a sure and right answer pays about 1.46, the price of "
                 "having ten classes to choose from instead of two.",
            "d": "The softmax overflows: e to the power 20, the logit of the sure class, is too big for float32, "
                 "and the loss comes out as a wrong but finite number.",
        }, answer="b", why={
            "a": "the cell passes the same labels to both lines, and the line given the logits scores the sure, "
                 "right answers 0.000 and the sure, wrong ones 20.000, as it should: the labels are fine. What "
                 "differs is what stands in the logits' place",
            "c": "the cross-entropy of a sure, right answer is -log 1 = 0, and the line given the logits prints "
                 "0.000. The 1.461 is log(e + 9) - 1: the loss softmaxed a row of one 1 and nine 0s, and that "
                 "gives the right class only e / (e + 9) = 0.23",
            "d": "e^20 is about 4.9e8, far below float32's largest number (3.4e38, which e^z passes only at about "
                 "z = 88), and the loss subtracts each row's largest logit first anyway: the line given the "
                 "logits prints the exact 0.000 and 20.000",
        }),
    "own_statistics": Choice(
        "own_statistics: the same new image, scaled with the statistics of the batch it comes in, gives other "
        "pixel values in a batch of 597, of 20 and of 1 (all zeros). Why is that a bug?", options={
            "a": "It is no bug: the first layer's biases absorb any shift of the inputs, so every batch may use "
                 "its own mean and standard deviation, whatever its size.",
            "b": "The batches are too small: with a few hundred more images in each, their statistics would "
                 "match the training split's, and so would the scaled pixels.",
            "c": "Scaling is part of the model: its weights fit inputs scaled with the training split's "
                 "numbers, and other numbers change what an image looks like.",
            "d": "A batch of one has a standard deviation of 0 everywhere, and dividing by 0 gives NaN: with the "
                 "division left out, scaling by the batch would be fine.",
        }, answer="c", why={
            "a": "the biases were learned for one fixed shift, the training split's mean. Another mean moves every "
                 "pixel by another amount, and a batch of one moves every image to all zeros: the network then "
                 "gives every digit the same answer, whatever it shows",
            "b": "even the 597 images together give other numbers than the training split's (the first pixel "
                 "printed: -1.26 against -1.18), and a deployed network often meets its images one at a time. "
                 "The scaled image should not depend on its batch at all, however large",
            "d": "the cell replaces a standard deviation of 0 by 1, as your standardize does: there is no NaN "
                 "anywhere, and the image of one still comes out all zeros, because subtracting its own mean "
                 "removes everything it shows",
        }),
    "dropout_on": Choice(
        "dropout_on: the same trained network, measured three times on the same 597 new images, gives three "
        "different accuracies, each below the one it gets in evaluation mode. Why?", options={
            "a": "It measured in training mode (`training=True` copied from the step, or no `model.eval()`): "
                 "dropout silenced another half of the hidden units each call.",
            "b": "The network is still training between the calls: each measurement sees weights that the "
                 "optimizer has updated once more since the measurement before.",
            "c": "The images are shuffled between the calls, so each of the three measurements counts a "
                 "different selection of the 597 new images it was given.",
            "d": "Float32 rounding differs from one call to the next, and on the images that lie near a class "
                 "boundary it is enough to change a few of the answers.",
        }, answer="a", why={
            "b": "nothing trains in the cell's measurements: no gradient, no optimizer step. The three calls in "
                 "evaluation mode, on the same weights, give the same accuracy three times",
            "c": "each call gets the same tensor of 597 images in the same order, and the accuracy of a fixed "
                 "set of images would not depend on their order anyway",
            "d": "the same computation on the same numbers gives the same result on a CPU, as the three equal "
                 "accuracies in evaluation mode show; and a few dozen answers change between two calls, far "
                 "more than rounding could move",
        }),
}


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
    Exercise("predict_linear_baseline", "Predict: the linear baseline against the MLP", 1,
             prediction_test("predict_linear_baseline", LINEAR_BASELINE), [
                 "What a linear model can draw: with one score per class and the largest one winning, how many "
                 "regions does it cut the space of pixels into, and what shape are their borders?",
                 "An 8 x 8 digit is a point in 64 dimensions, and the training split has about 108 points per "
                 "class. How many of them would need a curved border to sit on the right side of it?",
             ], question=LINEAR_BASELINE),
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
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, compare what it printed with what the right code printed beside it, and find the one "
        "line of the exhibit that makes exactly that difference.",
        "softmax_first: what does a loss that takes logits do first with what it is given? own_statistics: which "
        "numbers did the network's weights learn to expect, and are they the ones used here? dropout_on: in which "
        "mode did the three measurements run, and what does dropout do in it (p = 0.5)?",
    ], question=MUSEUM),
]
