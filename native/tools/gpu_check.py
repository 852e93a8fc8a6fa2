#!/usr/bin/env python3
"""`npm run gpu:check`: the FLUX pipeline's CUDA kernels against PyTorch, on a GPU host.

Builds the kernels (CMake and nvcc; no TensorRT) into build/gpu-check, calls each one over
ctypes exactly as the backend does (native/tools/gpu_check_api.cc), and compares its output with
an independent PyTorch implementation of the formula it stands for, written from diffusers'
FluxFillPipeline, FluxPipeline, FluxImg2ImgPipeline, FlowMatchEulerDiscreteScheduler and
VaeImageProcessor. Then the LoRA weight merge (cuBLAS) against torch's matmul, and bf16 matrix
products of the transformer's shapes, timed, against the step-time estimate in docs/gpu.md.
Prints one line per check and exits 1 when any fails. Needs CUDA, nvcc, CMake and PyTorch with
CUDA; runs in about a minute after the build.

    npm run gpu:check                     # or: python3 native/tools/gpu_check.py
    python3 native/tools/gpu_check.py --library build/native-cuda/Release/liboutpaint_gpu_check.so
"""
import argparse
import ctypes
import math
import os
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FP32, FP16, BF16 = 0, 1, 2
VAE_SHIFT, VAE_SCALE = 0.1159, 0.3611  # FLUX.1's VAE config: shift_factor, scaling_factor

failures = 0


def report(name, ok, detail):
    global failures
    failures += 0 if ok else 1
    print(f"{'ok  ' if ok else 'FAIL'} {name:<58} {detail}", flush=True)


def compare(name, ours, expected, tolerance=0.0, relative=0.0):
    """max |ours - expected| <= tolerance + relative * |expected|, over every value."""
    ours, expected = ours.double().flatten(), expected.double().flatten()
    if ours.shape != expected.shape:
        report(name, False, f"{ours.numel()} values, expected {expected.numel()}")
        return
    error = (ours - expected).abs()
    allowed = tolerance + relative * expected.abs()
    worst = error.max().item() if error.numel() else 0.0
    report(name, bool((error <= allowed).all()), f"max |gpu - torch| = {worst:.3g} ({ours.numel()} values)")


# ---- build and load ---------------------------------------------------------------------------

def cublas_root(torch_module):
    """Where cublas_v2.h is when the CUDA toolkit lacks it: pip's nvidia-cublas, which PyTorch uses."""
    for name in ("nvidia.cu13", "nvidia.cublas", "nvidia.cu12"):
        try:
            module = __import__(name, fromlist=["__path__"])
        except ImportError:
            continue
        for path in getattr(module, "__path__", []):
            if os.path.exists(os.path.join(path, "include", "cublas_v2.h")):
                return path
    return None


def build(torch_module, build_dir):
    major, minor = torch_module.cuda.get_device_capability()
    arguments = ["cmake", "-S", os.path.join(ROOT, "native"), "-B", build_dir, "-DOUTPAINT_CUDA=ON",
                 "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_CUDA_ARCHITECTURES={major}{minor}"]
    nvcc = shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc"
    if os.path.exists(nvcc):
        arguments.append(f"-DCMAKE_CUDA_COMPILER={nvcc}")
    cublas = cublas_root(torch_module)
    if cublas:
        arguments.append(f"-DCUBLAS_ROOT={cublas}")
    subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "--target", "outpaint_gpu_check", "-j", str(os.cpu_count() or 4)],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "liboutpaint_gpu_check.so")


class Kernels:
    """The C interface of native/tools/gpu_check_api.cc; raises on a failed call."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        self.lib.gc_last_error.restype = ctypes.c_char_p
        p, i, i64, f, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_int64, ctypes.c_float, ctypes.c_double
        signatures = {
            "gc_image_to_tensor": [p, p, i, i, p, i],
            "gc_pack_latents": [p, i, i, i, p],
            "gc_pack_mask": [p, i, i, p],
            "gc_concat_fill_input": [p, p, p, i, p, i],
            "gc_euler_step": [p, p, i, i64, p, i],
            "gc_blend_noise": [p, p, p, i64, p, i],
            "gc_unpack_latents": [p, i, i, p, i],
            "gc_tensor_to_image": [p, i, i, i, p],
            "gc_convert": [p, i, p, i, i64],
            "gc_latent_preview": [p, i, i, p],
            "gc_preview_factors": [p, p],
            "gc_sigmas": [i, i, i, p],
            "gc_first_step": [i, d],
            "gc_image_ids": [i, i, p],
            "gc_merge_weight": [p, ctypes.c_char_p, i64, i64, i, i, p, p, p, p, p, p, i],
        }
        for name, arguments in signatures.items():
            getattr(self.lib, name).argtypes = arguments
            getattr(self.lib, name).restype = ctypes.c_int

    def __getattr__(self, name):
        function = getattr(self.lib, "gc_" + name)

        def call(*arguments):
            converted = [a.data_ptr() if hasattr(a, "data_ptr") else a for a in arguments]
            result = function(*converted)
            if name not in ("first_step",) and result != 0:
                raise RuntimeError(f"gc_{name}: {self.lib.gc_last_error().decode()}")
            return result
        return call


# ---- diffusers' formulas in torch ----------------------------------------------------------------

def pack(latents):
    """FluxPipeline._pack_latents: [B, C, H, W] -> [B, (H/2)(W/2), 4C]."""
    b, c, h, w = latents.shape
    return latents.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(b, (h // 2) * (w // 2), c * 4)


def unpack(packed, h, w):
    """FluxPipeline._unpack_latents on latent sizes: [B, (h/2)(w/2), 4C] -> [B, C, h, w]."""
    b, _, channels = packed.shape
    return packed.view(b, h // 2, w // 2, channels // 4, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(b, channels // 4, h, w)


def fill_mask(mask):
    """FluxFillPipeline.prepare_mask_latents: mask [B, 1, H, W] -> 64 channels at H/8, packed -> [B, L, 256]."""
    b, _, height, width = mask.shape
    mask = mask[:, 0].view(b, height // 8, 8, width // 8, 8).permute(0, 2, 4, 1, 3)
    return pack(mask.reshape(b, 64, height // 8, width // 8))


def to_image_tensor(rgb, mask):
    """VaeImageProcessor.preprocess (/ 255, 2x - 1), planar; FluxFillPipeline: image * (1 - mask).

    In numpy on the host, as diffusers does it: torch on CUDA divides by a scalar as a product with
    its reciprocal, an ulp away from v / 255 for 111 of the 256 values."""
    import numpy
    unit = rgb.cpu().numpy().astype(numpy.float32) / 255.0
    image = torch.from_numpy(2.0 * unit - 1.0).to(rgb.device).permute(2, 0, 1)
    return image if mask is None else image * (1.0 - mask)


def to_rgb(image):
    """VaeImageProcessor.postprocess: (x / 2 + 0.5).clamp(0, 1), numpy's (x * 255).round()."""
    unit = (image.float() / 2 + 0.5).clamp(0, 1)
    return (unit * 255).round().to(torch.uint8).permute(1, 2, 0)


def flux_sigmas(steps, width, height):
    """FluxPipeline: linspace(1, 1/N, N); calculate_shift(seq, 256, 4096, 0.5, 1.15); the scheduler's
    exponential time shift e^mu / (e^mu + (1/sigma - 1)); a final 0."""
    seq = (height // 16) * (width // 16)
    m = (1.15 - 0.5) / (4096 - 256)
    mu = seq * m + (0.5 - m * 256)
    sigmas = torch.linspace(1.0, 1.0 / steps, steps, dtype=torch.float64)
    shifted = math.exp(mu) / (math.exp(mu) + (1 / sigmas - 1))
    return torch.cat([shifted, torch.zeros(1, dtype=torch.float64)])


def first_step(steps, strength):
    """FluxImg2ImgPipeline.get_timesteps."""
    init_timestep = min(steps * strength, steps)
    return int(max(steps - init_timestep, 0))


def image_ids(h, w):
    """FluxPipeline._prepare_latent_image_ids on the packed grid."""
    ids = torch.zeros(h // 2, w // 2, 3)
    ids[..., 1] = ids[..., 1] + torch.arange(h // 2)[:, None]
    ids[..., 2] = ids[..., 2] + torch.arange(w // 2)[None, :]
    return ids.reshape(-1, 3)


# ---- the checks ---------------------------------------------------------------------------------

TYPES = {FP32: "fp32", FP16: "fp16", BF16: "bf16"}


def dtype_of(code):
    return {FP32: torch.float32, FP16: torch.float16, BF16: torch.bfloat16}[code]


def check_size(k, width, height):
    size = f"{width}x{height}"
    cuda = torch.device("cuda")
    g = torch.Generator(device="cuda").manual_seed(width * 7 + height)
    h, w = height // 8, width // 8
    tokens = (h // 2) * (w // 2)
    rgb = torch.randint(0, 256, (height, width, 3), dtype=torch.uint8, device=cuda, generator=g)
    mask = (torch.rand(height, width, device=cuda, generator=g) < 0.4).float()
    sigmas = torch.empty(29)
    k.sigmas(28, width, height, sigmas)  # host memory, as the pipeline computes them
    sigmas = sigmas.to(cuda)

    for code in (FP32, FP16, BF16):
        t, suffix = dtype_of(code), f" {TYPES[code]} {size}"
        out = torch.empty(3, height, width, dtype=t, device=cuda)
        k.image_to_tensor(rgb, mask, height, width, out, code)
        compare("masked image: 2 v/255 - 1, image * (1 - mask)" + suffix, out, to_image_tensor(rgb, mask).to(t))

        latent = (torch.randn(1, 16, h, w, device=cuda, generator=g) * 2).to(t)
        packed = torch.empty(1, tokens, 64, device=cuda)
        k.pack_latents(latent, code, h, w, packed)
        compare("VAE normalize + pack [L, 64]" + suffix, packed, pack((latent.float() - VAE_SHIFT) * VAE_SCALE), 1e-6, 1e-6)

        decoder_in = torch.empty(1, 16, h, w, dtype=t, device=cuda)
        k.unpack_latents(packed, h, w, decoder_in, code)
        ulp = {FP32: 1e-6, FP16: 2 ** -10, BF16: 2 ** -7}[code]
        compare("unpack + VAE denormalize" + suffix, decoder_in, (unpack(packed, h, w) / VAE_SCALE + VAE_SHIFT).to(t), 1e-6, ulp)

        x = torch.randn(1, tokens, 64, device=cuda, generator=g)
        masked = torch.randn(1, tokens, 64, device=cuda, generator=g)
        packed_mask = torch.rand(1, tokens, 256, device=cuda, generator=g)
        hidden = torch.empty(1, tokens, 384, dtype=t, device=cuda)
        k.concat_fill_input(x, masked, packed_mask, tokens, hidden, code)
        compare("Fill input cat(x, masked latent, mask) [L, 384]" + suffix, hidden, torch.cat((x, masked, packed_mask), dim=2).to(t))

        v = torch.randn(1, tokens, 64, device=cuda, generator=g).to(t)
        stepped = x.clone()
        k.euler_step(stepped, v, code, stepped.numel(), sigmas, 3)
        compare("Euler step 3 of 28, fp32: x + (s4 - s3) v" + suffix, stepped, x + (sigmas[4] - sigmas[3]) * v.float(), 1e-6, 1e-6)

        decoded = (torch.rand(3, height, width, device=cuda, generator=g) * 2.4 - 1.2).to(t)
        image = torch.empty(height, width, 3, dtype=torch.uint8, device=cuda)
        k.tensor_to_image(decoded, code, height, width, image)
        compare("RGB: ((x/2 + .5).clamp(0, 1) * 255).round()" + suffix, image, to_rgb(decoded))

        hidden_dev = torch.empty(1, tokens, 64, dtype=t, device=cuda)
        k.convert(x, FP32, hidden_dev, code, x.numel())
        compare("txt2img on [dev]: hidden_states = x [L, 64]" + suffix, hidden_dev, x.to(t))

    packed_mask = torch.empty(1, tokens, 256, device=cuda)
    k.pack_mask(mask, height, width, packed_mask)
    compare(f"Fill mask: 8x8 space-to-depth + pack [L, 256] {size}", packed_mask, fill_mask(mask[None, None]))

    # Generation on Fill: the whole canvas masked gives a grey masked image and a mask of ones.
    ones = torch.ones(height, width, device=cuda)
    grey = torch.empty(3, height, width, device=cuda)
    k.image_to_tensor(rgb, ones, height, width, grey, FP32)
    compare(f"txt2img on Fill: masked image of a full mask is 0 {size}", grey, torch.zeros_like(grey))
    k.pack_mask(ones, height, width, packed_mask)
    compare(f"txt2img on Fill: packed full mask is 1 {size}", packed_mask, torch.ones_like(packed_mask))

    for steps in (28, 50):
        ours = torch.empty(steps + 1)
        k.sigmas(steps, width, height, ours)
        compare(f"sigmas, {steps} steps, shifted {size}", ours, flux_sigmas(steps, width, height), 1e-6)
    ids = torch.empty(tokens, 3)
    k.image_ids(h, w, ids)
    compare(f"image ids (0, row, column) {size}", ids, image_ids(h, w))

    # Image to image: scale_noise at get_timesteps' first step.
    strength = 0.6
    start = k.first_step(50, strength)
    report(f"img2img first step, 50 steps at strength {strength} {size}", start == first_step(50, strength),
           f"{start} (diffusers: {first_step(50, strength)})")
    sigmas50 = torch.empty(51)
    k.sigmas(50, width, height, sigmas50)
    sigmas50 = sigmas50.to(cuda)
    noise = torch.randn(1, tokens, 64, device=cuda, generator=g)
    x0 = torch.randn(1, tokens, 64, device=cuda, generator=g)
    blended = torch.empty_like(noise)
    k.blend_noise(blended, noise, x0, noise.numel(), sigmas50, start)
    sigma = sigmas50[start]
    compare(f"img2img start: scale_noise s*noise + (1-s)*x0 {size}", blended, sigma * noise + (1.0 - sigma) * x0, 1e-6, 1e-6)

    # The timestep input: sigma_i copied into its own (256-byte aligned) buffer each step.
    for code in (FP32, BF16):
        timestep = torch.empty(1, dtype=dtype_of(code), device=cuda)
        k.convert(sigmas.data_ptr() + 4 * 7, FP32, timestep, code, 1)
        compare(f"timestep: sigma_7 into its own buffer {TYPES[code]} {size}", timestep, sigmas[7:8].to(dtype_of(code)))

    factors, bias = torch.empty(16, 3), torch.empty(3)
    k.preview_factors(factors, bias)
    latent = torch.randn(1, tokens, 64, device=cuda, generator=g) * 2
    preview = torch.empty(h, w, 3, dtype=torch.uint8, device=cuda)
    k.latent_preview(latent, h, w, preview)
    linear = torch.einsum("chw,ck->hwk", unpack(latent, h, w)[0], factors.to(cuda)) + bias.to(cuda)
    expected = (((linear + 1) / 2).clamp(0, 1) * 255).round()
    compare(f"latent preview (linear RGB fit) {size}", preview, expected, 1)  # one level: summation order


def check_convert(k):
    cuda = torch.device("cuda")
    values = torch.cat([torch.randn(100000, device=cuda) * 3, torch.tensor([0.0, -0.0, 1e-30, 65504.0, 70000.0, 3.0e38,
                                                                            float("inf"), -float("inf")], device=cuda)])
    for source in (FP32, FP16, BF16):
        for target in (FP32, FP16, BF16):
            if source == target:
                continue
            src = values.to(dtype_of(source))
            out = torch.empty(values.numel(), dtype=dtype_of(target), device=cuda)
            k.convert(src, source, out, target, values.numel())
            expected = src.to(dtype_of(target))
            same = (out.float() == expected.float()) | (out.float().isnan() & expected.float().isnan())
            report(f"convert {TYPES[source]} -> {TYPES[target]} vs torch .to()", bool(same.all()),
                   f"{int((~same).sum())} of {values.numel()} differ")


def check_lora_merge(k):
    if not k.lib.gc_has_lora_merge():
        report("LoRA merge W + sum s * B A (cuBLAS)", False, "built without cuBLAS's headers (pip install nvidia-cublas)")
        return
    g = torch.Generator().manual_seed(3)
    for rows, cols, transposed in ((3072, 3072, False), (12288, 3072, True)):
        base = (torch.randn(rows, cols, generator=g) * 0.02).to(torch.bfloat16)
        stored = base.t().contiguous() if transposed else base
        loras = [(16, 0.75 * 16 / 16), (32, -0.5 * 8 / 32)]  # (rank, weight * alpha / rank)
        downs = [(torch.randn(rank, cols, generator=g) * 0.05).to(torch.bfloat16) for rank, _ in loras]
        ups = [(torch.randn(rows, rank, generator=g) * 0.05).to(torch.bfloat16) for rank, _ in loras]
        expected = base.double()
        for (rank, scale), down, up in zip(loras, downs, ups):
            expected = expected + scale * (up.double() @ down.double())
        expected = expected.to(torch.bfloat16)
        out = torch.empty(stored.shape, dtype=torch.bfloat16, device="cuda")
        # C arrays, kept alive here while the call reads them.
        arrays = [(ctypes.c_void_p * len(loras))(*[t.data_ptr() for t in downs]),
                  (ctypes.c_void_p * len(loras))(*[t.data_ptr() for t in ups]),
                  (ctypes.c_char_p * len(loras))(*[b"BF16"] * len(loras)),
                  (ctypes.c_int64 * len(loras))(*[rank for rank, _ in loras]),
                  (ctypes.c_float * len(loras))(*[scale for _, scale in loras])]
        k.merge_weight(stored, b"BF16", rows, cols, int(transposed), len(loras),
                       *[ctypes.cast(a, ctypes.c_void_p) for a in arrays], out, BF16)
        ours = out.cpu().t() if transposed else out.cpu()
        # One bf16 step (2^-7 relative at most): the fp32 sum may round the other way from float64's.
        compare(f"LoRA merge bf16 [{rows}, {cols}]{' transposed' if transposed else ''}, 2 LoRAs", ours, expected, 1e-6, 2 ** -7)


def check_step_time():
    """The transformer's matrix work for one step at 1024x1024 (4096 image + 512 text tokens), in bf16."""
    cuda, dim, mlp, image_tokens, text_tokens = torch.device("cuda"), 3072, 12288, 4096, 512
    tokens = image_tokens + text_tokens
    # (tokens, in, out, count): 19 double blocks, each stream with its own qkv, out, MLP; 38 single
    # blocks with the fused qkv+MLP-in and the fused out+MLP-out projections.
    gemms = []
    for stream in (image_tokens, text_tokens):
        gemms += [(stream, dim, 3 * dim, 19), (stream, dim, dim, 19), (stream, dim, mlp, 19), (stream, mlp, dim, 19)]
    gemms += [(tokens, dim, 3 * dim + mlp, 38), (tokens, dim + mlp, dim, 38)]
    gemm_flops = sum(2 * t * i * o * n for t, i, o, n in gemms)
    attention_flops = 57 * 4 * tokens * tokens * dim
    total = (gemm_flops + attention_flops) / 1e12
    report("FLOPs per step at 1024x1024 (docs/gpu.md: ~74 TFLOP)", abs(total - 74) < 1.5,
           f"{gemm_flops / 1e12:.1f} matrix products + {attention_flops / 1e12:.1f} attention = {total:.1f} TFLOP")

    def timed(run, repeats=10):
        for _ in range(3):
            run()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(repeats):
            run()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end) / repeats / 1000

    seconds = 0.0
    for t, i, o, n in gemms:
        a = torch.randn(t, i, device=cuda, dtype=torch.bfloat16)
        b = torch.randn(i, o, device=cuda, dtype=torch.bfloat16)
        seconds += n * timed(lambda: a @ b)
    gemm_seconds = seconds
    q, kk, v = (torch.randn(1, 24, tokens, 128, device=cuda, dtype=torch.bfloat16) for _ in range(3))
    seconds += 57 * timed(lambda: torch.nn.functional.scaled_dot_product_attention(q, kk, v))
    name = torch.cuda.get_device_name()
    hopper = any(tag in name for tag in ("H100", "H200", "GH200"))
    # docs/gpu.md: a floor of 93 ms at 800 TFLOP/s, 110-130 ms expected with the rest of a step.
    ok = not hopper or 0.075 <= seconds <= 0.130
    report(f"bf16 step floor on {name}", ok,
           f"{seconds * 1000:.0f} ms ({gemm_flops / gemm_seconds / 1e12:.0f} TFLOP/s in the products; docs/gpu.md: "
           f"floor 93 ms, 110-130 ms per step on H100/H200{'' if hopper else '; not compared on this GPU'})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", help="a built liboutpaint_gpu_check.so (skips the build)")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "gpu-check"))
    arguments = parser.parse_args()
    global torch
    try:
        import torch
    except ImportError:
        print("gpu:check needs PyTorch with CUDA (pip install torch)", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("gpu:check needs a CUDA GPU that PyTorch can see", file=sys.stderr)
        return 2
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"device: {torch.cuda.get_device_name()} (compute {'.'.join(map(str, torch.cuda.get_device_capability()))}), "
          f"torch {torch.__version__}", flush=True)
    k = Kernels(arguments.library or build(torch, arguments.build_dir))
    for width, height in ((1024, 1024), (1024, 1536), (48, 80)):
        check_size(k, width, height)
    check_convert(k)
    check_lora_merge(k)
    check_step_time()
    print(f"{'PASS' if failures == 0 else 'FAIL'}: {failures} check(s) failed", flush=True)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
