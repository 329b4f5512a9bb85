"""Reference values for SwiftLearnNNTests, computed with numpy from Keras 3.15's own formulas
(keras/src/optimizers/*.py update_step, keras/src/backend/numpy/nn.py losses), in float32.
Run: python3 make_references.py  (prints the values pasted into OptimizerTests / LossTests)."""
import numpy as np
f32 = np.float32
eps = f32(1e-7)

w0 = np.array([0.5, -1.0, 2.0, 0.0, 1e-3], dtype=f32)
grads = [np.array([0.1, -0.2, 0.3, 0.0, 5.0], dtype=f32), np.array([-0.05, 0.4, 0.3, 1.0, -2.0], dtype=f32)]

def adam(lr=f32(0.001), b1=f32(0.9), b2=f32(0.999), e=eps, amsgrad=False):
    w = w0.copy(); m = np.zeros_like(w); v = np.zeros_like(w); vh = np.zeros_like(w)
    for it, g in enumerate(grads):
        t = f32(it + 1)
        alpha = lr * np.sqrt(f32(1) - b2 ** t) / (f32(1) - b1 ** t)
        m = m + (g - m) * (f32(1) - b1)
        v = v + (g * g - v) * (f32(1) - b2)
        vv = v
        if amsgrad:
            vh = np.maximum(vh, v); vv = vh
        w = w - (m * alpha) / (np.sqrt(vv) + e)
    return w

def sgd(lr=f32(0.01), mom=f32(0), nesterov=False):
    w = w0.copy(); m = np.zeros_like(w)
    for g in grads:
        if mom != 0:
            m = m * mom - g * lr
            w = w + (m * mom - g * lr) if nesterov else w + m
        else:
            w = w - g * lr
    return w

def rmsprop(lr=f32(0.001), rho=f32(0.9), mom=f32(0), e=eps, centered=False):
    w = w0.copy(); vel = np.zeros_like(w); mo = np.zeros_like(w); avg = np.zeros_like(w)
    for g in grads:
        vel = rho * vel + (f32(1) - rho) * (g * g)
        if centered:
            avg = rho * avg + (f32(1) - rho) * g
            den = vel - avg * avg + e
        else:
            den = vel + e
        inc = (lr * g) / np.sqrt(den)
        if mom > 0:
            mo = mom * mo + inc; w = w - mo
        else:
            w = w - inc
    return w

def adagrad(lr=f32(0.001), init=f32(0.1), e=eps):
    w = w0.copy(); acc = np.full_like(w, init)
    for g in grads:
        acc = acc + g * g
        w = w - (lr * g) / np.sqrt(acc + e)
    return w

def show(name, values):
    print(f"{name}: [" + ", ".join(repr(float(x)) for x in values) + "]")

show("adam", adam())
show("adam_lr0.01_amsgrad", adam(lr=f32(0.01), amsgrad=True))
show("sgd", sgd())
show("sgd_momentum", sgd(lr=f32(0.1), mom=f32(0.9)))
show("sgd_nesterov", sgd(lr=f32(0.1), mom=f32(0.9), nesterov=True))
show("rmsprop", rmsprop())
show("rmsprop_centered_momentum", rmsprop(lr=f32(0.01), mom=f32(0.5), centered=True))
show("adagrad", adagrad())

# Losses (mean over the batch of the per-sample loss, Keras's sum_over_batch_size).
p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25], [1e-9, 0.9999999, 1e-9], [0.3, 0.3, 0.6]], dtype=f32)
y_sparse = np.array([1, 0, 0, 2])
y_onehot = np.eye(3, dtype=f32)[y_sparse]
def cce(t, o):
    o = o / np.sum(o, -1, keepdims=True)
    o = np.clip(o, eps, f32(1) - eps)
    return np.mean(-np.sum(t * np.log(o), -1))
print("cce", repr(float(cce(y_onehot, p))))
print("scce", repr(float(cce(y_onehot, p))))
yb = np.array([[0, 1, 0], [1, 1, 0], [0, 1, 0], [1, 0, 1]], dtype=f32)
pb = np.clip(p, eps, f32(1) - eps)
print("bce", repr(float(np.mean(-np.mean(yb * np.log(pb) + (1 - yb) * np.log(1 - pb), -1)))))
reg_p = np.array([[1.5, -0.5], [0.2, 3.0], [-2.0, 0.1]], dtype=f32)
reg_y = np.array([[1.0, 0.0], [0.0, 0.5], [0.5, 0.1]], dtype=f32)
err = reg_p - reg_y
print("mse", repr(float(np.mean(np.mean(err ** 2, -1)))))
print("mae", repr(float(np.mean(np.mean(np.abs(err), -1)))))
d = f32(1.0)
hub = np.where(np.abs(err) <= d, f32(0.5) * err ** 2, d * np.abs(err) - f32(0.5) * d ** 2)
print("huber", repr(float(np.mean(np.mean(hub, -1)))))
logits = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0], [100.0, -50.0, 3.0], [-3.0, 1.0, 4.0]], dtype=f32)
ls = logits - logits.max(-1, keepdims=True)
logp = ls - np.log(np.sum(np.exp(ls), -1, keepdims=True))
print("scce_logits", repr(float(np.mean(-logp[np.arange(4), [0, 2, 1, 2]]))))
