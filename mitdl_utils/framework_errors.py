"""Errors the frameworks raise in a student's code, in a student's words.

`explain_error(error, shapes)` gives one sentence on what to do about a TensorFlow, Keras, PyTorch or Python
error (or None when it is not one we know); `shapes` (input name -> shape) is added to the errors about shapes.
`unwrapped(error)` is the error's own message, out of Keras's "Exception encountered when calling ..." frame and
tf.function's "in user code: ..." traceback. Only the message is read: an error that crossed from the grader's sandbox keeps its message,
not its class.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_KERAS_FRAME = re.compile(r"Exception encountered when calling [^\n]*\n\n\x1b\[1m(.*?)\x1b\[0m", re.S)
_TF_FUNCTION_FRAME = re.compile(r"^\s*in user code:.*\n {4}\w+: (.*)$", re.S)  # the error inside a tf.function


@dataclass(frozen=True)
class Translation:
    """A framework's message (a regular expression with named groups) and what to do about it."""

    pattern: str
    advice: str | Callable[[dict], str]  # str.format-ed with the pattern's named groups, or a function of them
    about_shapes: bool = False  # the inputs' shapes help: they are added to the sentence

    def explain(self, text: str) -> str | None:
        match = re.search(self.pattern, text, re.S)
        if not match:
            return None
        groups = {key: value or "" for key, value in match.groupdict().items()}
        return self.advice(groups) if callable(self.advice) else self.advice.format(**groups)


def _missing_forward(groups: dict) -> str:
    name = groups["name"]
    if name in ("ModuleList", "ModuleDict"):
        return (f"an nn.{name} only holds layers, it cannot be called on an input: use nn.Sequential(*layers), "
                "which runs them one after the other, or loop over the layers in your own forward")
    return (f"PyTorch runs a module's `forward` method and {name} has none: name the method `forward` "
            "(`call` is Keras's name)")


def _dtypes(first: str, second: str) -> str:
    return (f"two tensors of different dtypes ({first} and {second}) meet in one operation: make both float32 "
            "(tf.cast(x, tf.float32) in TensorFlow, x.float() in PyTorch); float64 usually comes from a NumPy "
            "array, whose default it is")


_NONE = ("a value is None where a tensor is expected, most often a gradient: in TensorFlow compute the loss inside "
         "`with tf.GradientTape() as tape:` from tf.Variables, and update them with .assign_sub(...) (`w = w - ...` "
         "replaces the Variable by a plain tensor the tape does not watch); in PyTorch call loss.backward() before "
         "reading .grad")
_MATMUL = ("a matrix product of shapes ({a}, {b}) and ({c}, {d}): the inner sizes {b} and {c} must agree; "
           "transpose one of them, or check which axis holds the examples (X is (n, inputs), W is (inputs, outputs))")
_LOSS_SHAPES = ("the loss got targets of shape [{target}] and predictions of shape [{input}]: make them the same "
                "shape (squeeze the model's (n, 1) output) and pass them in the loss's order")
_BOOL = ("an `if`, `and`, `or`, `max()` or `min()` asked a whole tensor for one True or False: compare elementwise "
         "with tf.where / torch.where (or tf.maximum / torch.maximum)")
_TO_NUMBER = ("float(), int() or .item() was given a tensor of many values, and they convert a single number: "
              "reduce it first (mean or sum), or keep the tensor")

TRANSLATIONS = [
    Translation(r'Module \[(?P<name>\w+)\] is missing the required "forward" function', _missing_forward),
    Translation(r"Layer (?P<name>\w+) does not have a `call` method implemented",
                "Keras runs a layer's `call` method and {name} has none: name the forward pass `call` "
                "(`forward` is PyTorch's name)"),
    Translation(r"unsupported operand type\(s\) for [^:]+: '\w+' and 'NoneType'|unsupported operand type\(s\) for "
                r"[^:]+: 'NoneType'|'NoneType' object has no attribute '(?:numpy|shape|assign_sub|sub_|data)'|"
                r"Attempt to convert a value \(None\)", _NONE),
    Translation(r"'NoneType' object is not (?:subscriptable|iterable|callable)",
                "a value is None where a result is expected: a function without `return`, or the result of an "
                "in-place method (list.sort(), list.append(...)) used as a value"),
    Translation(r"No gradients provided for any variable",
                "the optimizer got no gradients: compute the loss inside the GradientTape, from the model's "
                "variables"),
    Translation(r"mat1 and mat2 shapes cannot be multiplied \((?P<a>\d+)x(?P<b>\d+) and (?P<c>\d+)x(?P<d>\d+)\)",
                _MATMUL, about_shapes=True),
    Translation(r"Matrix size-incompatible: In\[0\]: \[(?P<a>\d+),(?P<b>\d+)\], In\[1\]: \[(?P<c>\d+),(?P<d>\d+)\]",
                _MATMUL, about_shapes=True),
    Translation(r"In\[\d\] (?:ndims must be >= 2|is not a matrix)|In\[0\] and In\[1\] has different ndims|"
                "both arguments to matmul need to be at least 1D",
                "tf.matmul needs matrices (2-D) on both sides: for a matrix times a vector use tf.linalg.matvec, "
                "or give the vector a second axis (x[:, None]) and remove it afterwards", about_shapes=True),
    Translation(r"size mismatch, got input \((?P<out>\d+)\), mat \((?P<a>\d+)x(?P<b>\d+)\), vec \((?P<v>\d+)\)",
                "a matrix of shape ({a}, {b}) times a vector of length {v}: the vector's length must be {b}, "
                "the matrix's number of columns (transpose the matrix?)", about_shapes=True),
    Translation(r"a leaf Variable that requires grad is being used in an in-place operation",
                "a tensor that autograd tracks was changed in place (W -= ..., W[...] = ...): update weights inside "
                "`with torch.no_grad():`, or compute a new tensor instead"),
    Translation(r"one of the variables needed for gradient computation has been modified by an inplace operation",
                "a tensor that backward() still needs was changed in place after it was used (+=, *=, x[...] = ..., "
                "or a method ending in _): write y = y + 1 instead of y += 1"),
    Translation(r"Trying to backward through the graph a second time",
                "backward() ran twice through the same graph: compute the loss afresh for every step (inside the "
                "loop)"),
    Translation(r"element 0 of tensors does not require grad and does not have a grad_fn",
                "backward() on a loss autograd did not follow: the weights need requires_grad=True, and the loss "
                "must be computed from them with torch operations (no .numpy(), float() or .item() on the way)"),
    Translation(r"grad can be implicitly created only for scalar outputs",
                "backward() starts from one number: reduce the loss to a scalar first (loss.mean()), or pass "
                "backward() a gradient of the loss's shape"),
    Translation(r"Can't call numpy\(\) on Tensor that requires grad",
                "a tensor autograd tracks was turned into NumPy: call .detach() first (or stay in torch "
                "operations)"),
    Translation(r"A non-persistent GradientTape can only be used to compute one set of gradients",
                "a GradientTape gives its gradients once: ask for all of them in one call, "
                "tape.gradient(loss, [W, b]), or open the tape with tf.GradientTape(persistent=True)"),
    Translation(r"Target size \(torch.Size\(\[(?P<target>[\d, ]*)\]\)\) must be the same as input size "
                r"\(torch.Size\(\[(?P<input>[\d, ]*)\]\)\)", _LOSS_SHAPES, about_shapes=True),
    Translation(r"Using a target size \(torch.Size\(\[(?P<target>[\d, ]*)\]\)\) that is different to the input "
                r"size \(torch.Size\(\[(?P<input>[\d, ]*)\]\)\)", _LOSS_SHAPES, about_shapes=True),
    Translation(r"0D or 1D target tensor expected, multi-target not supported",
                "cross-entropy with class indices wants targets of shape (n,), one integer class per example: "
                "squeeze (n, 1) targets with y.squeeze(1), or give one-hot targets of shape (n, classes) as floats",
                about_shapes=True),
    Translation(r"expected target dtype to be Long or Byte, but got (?P<dtype>\w+)",
                "class-index targets must be integers (int64), and these are {dtype}: convert them with y.long() "
                "(floats are for class probabilities of shape (n, classes))"),
    Translation(r"(?:has never been called|is not built|You must build the layer|You must call `?build\(\)`?|"
                r"weights.*not created|has no defined input shape)",
                "the Keras layer or model is used before it is built: call it once on an input (or start the model "
                "with tf.keras.Input(shape=...)) before reading its weights"),
    Translation(r"Input \d+ .*of layer '(?P<layer>[^']+)' is incompatible with the layer: expected axis -1 of input "
                r"shape to have value (?P<want>\d+), but received input with shape \((?P<shape>[^)]*)\)",
                "layer '{layer}' was built for inputs with {want} features on the last axis and got shape "
                "({shape}): check the layer's input size, or which axis holds the features", about_shapes=True),
    Translation(r"of layer '(?P<layer>[^']+)' is incompatible with the layer: expected min_ndim=(?P<want>\d+), "
                r"found ndim=(?P<got>\d+)",
                "layer '{layer}' got a {got}-D input where it needs at least {want} axes: give the input a batch "
                "axis (x[None, :])", about_shapes=True),
    Translation(r"The variable shape \((?P<var>[^)]*)\), and the assigned value shape \((?P<value>[^)]*)\) are "
                r"incompatible",
                "the value assigned has shape ({value}) and the variable ({var}): .assign keeps the variable's "
                "shape, so transpose or reshape the value", about_shapes=True),
    Translation(r"EagerTensor' object has no attribute '(?:_unique_id|assign\w*)'",
                "a plain tf.Tensor was used where a tf.Variable is needed (optimizers and .assign update Variables "
                "only): keep the weights as tf.Variable and update them in place"),
    Translation(r"EagerTensor' object does not support item assignment",
                "a TensorFlow tensor cannot be changed in place: build a new one (tf.where(condition, new, x), "
                "tf.concat), or keep a tf.Variable and .assign to it"),
    Translation(r"Cannot convert a symbolic tf.Tensor|'SymbolicTensor' object has no attribute 'numpy'",
                "inside a tf.function or a Keras model tensors have no values yet: use tf operations, not NumPy "
                "ones (np.* or .numpy())"),
    Translation(r"Boolean value of Tensor with more than one value is ambiguous|truth value of an array with more "
                r"than one element is ambiguous|Using a symbolic `tf.Tensor` as a Python `bool`", _BOOL),
    Translation(r"only one element tensors can be converted to Python scalars|only 0-dimensional arrays can be "
                r"converted to Python scalars|a Tensor with \d+ elements cannot be converted to Scalar", _TO_NUMBER),
    Translation(r"'list' object is not callable",
                "a Python list of layers cannot be called on an input: wrap the layers in tf.keras.Sequential([...]) "
                "or nn.Sequential(*layers)"),
    Translation(r"list is not a Module subclass",
                "nn.Sequential takes the layers themselves, not a list of them: nn.Sequential(*layers) unpacks "
                "the list"),
    Translation(r"Only instances of `keras.Layer` can be added to a Sequential model. Received: <class",
                "tf.keras.Sequential was given a layer class, not a layer: call it to make one "
                "(tf.keras.layers.Dense(units), with its parentheses)"),
    Translation(r"Only instances of `keras.Layer` can be added to a Sequential model",
                "tf.keras.Sequential takes Keras layers only: wrap a function in tf.keras.layers.Lambda(...) or "
                "use the layer that computes it (tf.keras.layers.ReLU(), Dense(..., activation=...))"),
    Translation(r"\S+\.(?P<name>\w+) is not a Module subclass",
                "nn.Sequential was given the class {name}, not a layer: call it to make one (nn.{name}(...), with "
                "its parentheses)"),
    Translation(r"cannot assign '[\w.]+' as parameter '(?P<name>\w+)'",
                "self.{name} is an nn.Parameter and `=` would replace it by a plain tensor: change its values "
                "instead, inside `with torch.no_grad():` (self.{name}.copy_(new_values))"),
    Translation(r"property '(?P<name>\w+)' of '(?P<layer>\w+)' object has no setter",
                "a Keras {layer} layer's {name} cannot be replaced with `=`: assign new values to the variable it "
                "holds ({name}.assign(new_values))"),
    Translation(r"expected m1 and m2 to have the same dtype, but got: (?P<a>\w+) != (?P<b>\w+)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"(?:mat1|self) and mat2 must have the same dtype, but got (?P<a>\w+) and (?P<b>\w+)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"expected scalar type (?P<a>\w+) but found (?P<b>\w+)", lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"Input '\w+' of '\w+' Op has type (?P<b>\w+) that does not match type (?P<a>\w+) of argument",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"Tensor conversion requested dtype (?P<a>\w+) for Tensor with dtype (?P<b>\w+)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"[Ff]ound dtype (?P<b>\w+) but expected (?P<a>\w+)", lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"expected both vectors to have same dtype, but found (?P<a>\w+) and (?P<b>\w+)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"\((?P<a>\w+)\) and \w+ \((?P<b>\w+)\) must have the same scalar type",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"Input type \((?P<a>\w+)\) and (?:bias|weight) type \((?P<b>\w+)\) should be the same",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"input dtype \(torch\.(?P<a>\w+)\) does not match weight dtype \(torch\.(?P<b>\w+)\)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"result type (?P<a>\w+) can't be cast to the desired output type (?P<b>\w+)",
                lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"cannot compute \w+ as input #\d+\(zero-based\) was expected to be a (?P<a>\w+) tensor but is a "
                r"(?P<b>\w+) tensor", lambda g: _dtypes(g["a"], g["b"])),
    Translation(r"Expected tensor for argument #\d+ 'indices' to have one of the following scalar types",
                "indices (class numbers, embedding rows) must be integers: convert them with y.long()"),
    Translation(r"Value for attr 'T' of (?P<dtype>\w+) is not in the list of allowed values",
                "an operation that works on real numbers got a {dtype} tensor: cast it first "
                "(tf.cast(x, tf.float32))"),
    Translation(r"could not infer output dtype\. Input dtype must be either a floating point or complex dtype\. "
                r"Got: (?P<dtype>\w+)",
                "a mean of an integer tensor ({dtype}): convert it to floats first (x.float())"),
    Translation(r"Incompatible shapes: \[(?P<a>[\d,]*)\] vs\. \[(?P<b>[\d,]*)\]",
                "shapes [{a}] and [{b}] do not broadcast together: line up their axes (a missing or extra axis of "
                "size 1, or a transposed operand?)", about_shapes=True),
    Translation(r"The size of tensor a \((?P<a>\d+)\) must match the size of tensor b \((?P<b>\d+)\) at "
                r"non-singleton dimension (?P<axis>\d+)",
                "two tensors have sizes {a} and {b} on axis {axis}, and neither is 1, so they do not broadcast "
                "together: line up their axes (a missing or extra axis of size 1, or a transposed operand?)",
                about_shapes=True),
    Translation(r"output with shape \[(?P<out>[\d, ]*)\] doesn't match the broadcast shape \[(?P<shape>[\d, ]*)\]",
                "an in-place operation (+=, -=, copy_) cannot turn a tensor of shape [{out}] into shape [{shape}]: "
                "give both sides the same shape, or write x = x + y", about_shapes=True),
]


def unwrapped(error: BaseException | str) -> str:
    """The error's own message: inside Keras's "Exception encountered when calling ..." frame and tf.function's
    "in user code:" traceback, where it has them."""
    text = str(error)
    args = getattr(error, "args", ())
    framed = _KERAS_FRAME.search(args[0] if len(args) == 1 and isinstance(args[0], str) else text)
    text = framed.group(1) if framed else text  # (a KeyError's str() is its message's repr: the frame is in args)
    traced = _TF_FUNCTION_FRAME.search(text)
    return traced.group(1) if traced else text


def explain_error(error: BaseException | str, shapes: dict[str, tuple] | None = None) -> str | None:
    """One sentence on what to do about an error raised in the student's code, or None.

    shapes: the inputs the student's function was given, name -> shape, named in errors about shapes.
    """
    text = unwrapped(error)
    for translation in TRANSLATIONS:
        advice = translation.explain(text)
        if advice:
            if translation.about_shapes and shapes:
                advice = advice.rstrip() + " (the inputs: " + ", ".join(
                    f"{name} {tuple(shape)}" for name, shape in shapes.items()) + ")"
            return advice.rstrip()
    return None
