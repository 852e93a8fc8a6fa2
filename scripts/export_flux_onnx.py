#!/usr/bin/env python3
"""Exports FLUX.1 Fill [dev] (or FLUX.1 [dev]) from a Hugging Face snapshot to ONNX, with exactly
the tensor names, ranks and dynamic axes the server's engine contracts check
(native/src/flux/engine_contract.cc; docs/gpu.md lists them), for scripts/build-flux-engines.sh.

    python3 scripts/export_flux_onnx.py --hf /data/FLUX.1-Fill-dev --out /data/flux1-fill-dev-onnx
    python3 scripts/export_flux_onnx.py --hf /data/FLUX.1-dev --out /data/flux1-dev-onnx --parts transformer

NVIDIA's TensorRT diffusion demo exports FLUX.1 [dev] but has no Fill pipeline, so this is our own
exporter (diffusers + torch; run it on the GPU host). Which model a snapshot holds follows from its
transformer's in_channels: 384 for Fill (the latent, the masked image's latent and the mask), 64
for [dev]. Each part goes to <out>/<part>/model.onnx with its weights as external data beside it:

  clip         CLIPTextModel (text_encoder), fp16: input_ids [B, 77] -> pooled_embeddings [B, 768]
  t5           T5EncoderModel (text_encoder_2), bf16: input_ids [B, 512] -> text_embeddings [B, 512, 4096]
  transformer  FluxTransformer2DModel, bf16: hidden_states [B, L, 384 or 64], encoder_hidden_states
               [B, 512, 4096], pooled_projections [B, 768], timestep [B], img_ids [L, 3] (fp32),
               txt_ids [512, 3] (fp32), guidance [B] (fp32) -> latent [B, L, 64]
  vae_encoder  AutoencoderKL's encoder, bf16: images [B, 3, H, W] in [-1, 1] -> latent [B, 16, H/8, W/8],
               the latent distribution's mean, not normalized (the pipeline normalizes)
  vae_decoder  AutoencoderKL's decoder, bf16: latent [B, 16, H/8, W/8] -> images [B, 3, H, W]

The types are the engines' types: TensorRT builds these strongly typed (TensorRT 11 knows no other
way), so each part is exported in the precision it runs in: bf16, except CLIP in fp16 (diffusers'
FLUX pipelines run in bf16; NVIDIA's demo exports CLIP in fp16, as bf16 CLIP fails to export in
recent PyTorch), and the position ids and guidance in fp32 (as the demo's FLUX export has them).
The VAE encoder returns the distribution's mean where diffusers draws a sample with the job's
generator, so a seed gives the same image every time. TensorRT has no float64, which diffusers uses
for the rotary position embedding: the exported graphs are narrowed to float32.

Needs torch, diffusers, transformers and onnx; the transformer alone needs about 24 GB of memory on
--device (cuda by default) and as much free disk in --out. After each export the graph is read back
and its inputs and outputs are checked against the contract; a mismatch stops the script.
"""
import argparse
import json
import os
import sys

# The contract, as this exporter writes it: name -> (rank, the axes that vary, fixed sizes).
# It matches native/src/flux/engine_contract.cc, which checks the engines built from these.
B, L, H, W, h, w = "B", "L", "H", "W", "h", "w"
CONTRACTS = {
    "clip": ({"input_ids": [B, 77]}, {"pooled_embeddings": [B, 768]}),
    "t5": ({"input_ids": [B, 512]}, {"text_embeddings": [B, 512, 4096]}),
    "transformer": (
        {"hidden_states": [B, L, "C"], "encoder_hidden_states": [B, 512, 4096], "pooled_projections": [B, 768],
         "timestep": [B], "img_ids": [L, 3], "txt_ids": [512, 3], "guidance": [B]},
        {"latent": [B, L, 64]},
    ),
    "vae_encoder": ({"images": [B, 3, H, W]}, {"latent": [B, 16, h, w]}),
    "vae_decoder": ({"latent": [B, 16, h, w]}, {"images": [B, 3, H, W]}),
}
PARTS = list(CONTRACTS)
OPSET = 19


def dynamic_axes(part):
    inputs, outputs = CONTRACTS[part]
    return {name: {axis: size for axis, size in enumerate(dims) if isinstance(size, str) and size != "C"}
            for name, dims in {**inputs, **outputs}.items()}


def check_export(path, part, in_channels):
    """Reads the exported graph back (without its weights) and compares it with the contract."""
    import onnx

    model = onnx.load(path, load_external_data=False)
    inputs, outputs = CONTRACTS[part]
    found = {value.name: value for value in list(model.graph.input) + list(model.graph.output)}
    problems = []
    for name, dims in {**inputs, **outputs}.items():
        if name not in found:
            problems.append(f"no {name}")
            continue
        shape = found[name].type.tensor_type.shape.dim
        expected = [in_channels if size == "C" else size for size in dims]
        if len(shape) != len(expected):
            problems.append(f"{name} has rank {len(shape)}, expected {len(expected)}")
            continue
        for axis, (dim, size) in enumerate(zip(shape, expected)):
            fixed = dim.HasField("dim_value")
            if isinstance(size, int) and not (fixed and dim.dim_value == size):
                problems.append(f"{name} axis {axis} is {dim.dim_value if fixed else dim.dim_param}, expected {size}")
            if isinstance(size, str) and fixed:
                problems.append(f"{name} axis {axis} is fixed at {dim.dim_value}, expected dynamic ({size})")
    extra = [value.name for value in model.graph.input if value.name not in inputs]
    if extra:
        problems.append(f"inputs the pipeline does not feed: {', '.join(extra)}")
    if problems:
        sys.exit(f"export_flux_onnx.py: {path} does not match the engine contract: {'; '.join(problems)}")


def narrow_float64(path):
    """TensorRT has no float64, and diffusers computes FLUX's rotary position embedding in float64
    (on any device but Apple's and Ascend's): every float64 cast, constant, initializer and typed
    value in the graph becomes float32, in place; the weights' external files stay as they are."""
    import numpy
    import onnx
    from onnx import TensorProto, numpy_helper

    model = onnx.load(path, load_external_data=False)
    base_dir = os.path.dirname(path)
    narrowed = 0

    def narrow(tensor):
        nonlocal narrowed
        if tensor.data_type == TensorProto.DOUBLE:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor, base_dir=base_dir).astype(numpy.float32), tensor.name))
            narrowed += 1

    for initializer in model.graph.initializer:
        narrow(initializer)
    for node in model.graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.TENSOR:
                narrow(attribute.t)
            elif attribute.name in ("to", "dtype") and attribute.type == onnx.AttributeProto.INT and attribute.i == TensorProto.DOUBLE:
                attribute.i = TensorProto.FLOAT
                narrowed += 1
    for value in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        if value.type.tensor_type.elem_type == TensorProto.DOUBLE:
            value.type.tensor_type.elem_type = TensorProto.FLOAT
            narrowed += 1
    if narrowed:
        onnx.save(model, path)
        print(f"   {narrowed} float64 casts, constants and values narrowed to float32", flush=True)


def export(module, sample, part, out_dir, in_channels, torch):
    os.makedirs(os.path.join(out_dir, part), exist_ok=True)
    path = os.path.join(out_dir, part, "model.onnx")
    inputs, outputs = CONTRACTS[part]
    print(f"== {part} -> {path}", flush=True)
    # The TorchScript exporter with dynamic_axes, as NVIDIA's demo exports (PyTorch 2.9 and later
    # default to the dynamo exporter, and name it); weights larger than protobuf's 2 GB go to
    # external data files beside the model.
    import inspect

    choice = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.inference_mode():
        torch.onnx.export(module, sample, path, export_params=True, do_constant_folding=True, opset_version=OPSET,
                          input_names=list(inputs), output_names=list(outputs), dynamic_axes=dynamic_axes(part), **choice)
    narrow_float64(path)
    check_export(path, part, in_channels)


def wrapper(torch, model, forward):
    """A module owning `model` whose forward(*inputs) is forward(model, *inputs): the graph's signature."""

    class Wrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return forward(self.model, *inputs)

    return Wrapper()


def load(cls, hf, subfolder, dtype, device):
    """from_pretrained in `dtype` on `device`; transformers >= 4.56 names the argument dtype, diffusers torch_dtype."""
    import inspect

    keyword = "dtype" if "dtype" in inspect.signature(cls.from_pretrained).parameters else "torch_dtype"
    return cls.from_pretrained(hf, subfolder=subfolder, **{keyword: dtype}).to(device=device, dtype=dtype).eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hf", required=True, help="a snapshot of black-forest-labs/FLUX.1-Fill-dev or FLUX.1-dev")
    parser.add_argument("--out", required=True, help="where <part>/model.onnx go")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)} (default: all)")
    parser.add_argument("--device", default="cuda", help="where the models run while tracing (default cuda)")
    parser.add_argument("--size", type=int, default=1024, help="the sample canvas side the trace runs at (any multiple of 16)")
    args = parser.parse_args()
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = [part for part in parts if part not in PARTS]
    if unknown or args.size % 16:
        sys.exit(f"export_flux_onnx.py: expected parts among {', '.join(PARTS)} and a --size divisible by 16")

    import torch
    from diffusers import AutoencoderKL, FluxTransformer2DModel
    from transformers import CLIPTextModel, T5EncoderModel

    with open(os.path.join(args.hf, "transformer", "config.json")) as file:
        in_channels = json.load(file)["in_channels"]
    if in_channels not in (64, 384):
        sys.exit(f"export_flux_onnx.py: {args.hf}'s transformer has in_channels {in_channels}; expected 384 (Fill) or 64 ([dev])")
    print(f"{args.hf}: FLUX.1 {'Fill [dev]' if in_channels == 384 else '[dev]'}", flush=True)
    device, bf16 = torch.device(args.device), torch.bfloat16
    latent_side = args.size // 8
    tokens = (latent_side // 2) ** 2

    if "clip" in parts:
        model = load(CLIPTextModel, args.hf, "text_encoder", torch.float16, device)
        export(wrapper(torch, model, lambda m, ids: m(input_ids=ids).pooler_output),
               (torch.zeros(1, 77, dtype=torch.int64, device=device),), "clip", args.out, in_channels, torch)
        del model
    if "t5" in parts:
        model = load(T5EncoderModel, args.hf, "text_encoder_2", bf16, device)
        export(wrapper(torch, model, lambda m, ids: m(input_ids=ids).last_hidden_state),
               (torch.zeros(1, 512, dtype=torch.int64, device=device),), "t5", args.out, in_channels, torch)
        del model
    if "transformer" in parts:
        model = load(FluxTransformer2DModel, args.hf, "transformer", bf16, device)

        def transformer(m, hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids, guidance):
            return m(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                     pooled_projections=pooled_projections, timestep=timestep, img_ids=img_ids, txt_ids=txt_ids,
                     guidance=guidance, return_dict=False)[0]

        sample = (
            torch.randn(1, tokens, in_channels, dtype=bf16, device=device),
            torch.randn(1, 512, 4096, dtype=bf16, device=device),
            torch.randn(1, 768, dtype=bf16, device=device),
            torch.ones(1, dtype=bf16, device=device),
            torch.zeros(tokens, 3, dtype=torch.float32, device=device),
            torch.zeros(512, 3, dtype=torch.float32, device=device),
            torch.full((1,), 30.0, dtype=torch.float32, device=device),
        )
        export(wrapper(torch, model, transformer), sample, "transformer", args.out, in_channels, torch)
        del model
    if "vae_encoder" in parts or "vae_decoder" in parts:
        vae = load(AutoencoderKL, args.hf, "vae", bf16, device)
        if "vae_encoder" in parts:
            export(wrapper(torch, vae, lambda m, images: m.encode(images).latent_dist.mean),
                   (torch.zeros(1, 3, args.size, args.size, dtype=bf16, device=device),), "vae_encoder", args.out,
                   in_channels, torch)
        if "vae_decoder" in parts:
            export(wrapper(torch, vae, lambda m, latent: m.decode(latent, return_dict=False)[0]),
                   (torch.zeros(1, 16, latent_side, latent_side, dtype=bf16, device=device),), "vae_decoder", args.out,
                   in_channels, torch)
    print(f"Done: {args.out}", flush=True)


if __name__ == "__main__":
    main()
