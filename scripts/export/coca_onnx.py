"""Exports OpenCLIP CoCa to the two ONNX graphs src/pipelines/clip/coca.ts runs.

    pip install open_clip_torch onnx
    python scripts/export/coca_onnx.py --out coca_ViT-L-14

coca_vision_model.onnx:  pixel_values [b,3,224,224] -> image_embeds [b,768], image_tokens [b,255,768]
coca_text_decoder.onnx:  input_ids int64 [b,s], image_tokens [b,255,768] -> logits [b,s,49408]

The catalog entry coca_ViT-L-14 (src/managers/catalog/clip.json) is import_only and expects exactly
these file, input and output names: drop the two files on the Models page's Import files.
Not run on the machine this was written on (no PyTorch there): check the graphs with
onnx.checker and compare a caption with open_clip's own generate() before publishing them.
"""

import argparse
import os

import open_clip
import torch


class Vision(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        # The attentional pooler's first query (projected) and the other 255 queries.
        image_embeds, image_tokens = self.model.visual(pixel_values)
        return image_embeds, image_tokens


class TextDecoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, image_tokens):
        # The text tower appends its class token at the end; it is causal, so the tokens before
        # it are what generate() computes with embed_cls=False.
        _, token_embs = self.model.text(input_ids)
        return self.model.text_decoder(image_tokens, token_embs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="coca_ViT-L-14")
    parser.add_argument("--pretrained", default="mscoco_finetuned_laion2B-s13B-b90k")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model, _, _ = open_clip.create_model_and_transforms(args.model, pretrained=args.pretrained)
    model.eval()
    pixels = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        _, tokens = model.visual(pixels)
        torch.onnx.export(
            Vision(model), (pixels,), os.path.join(args.out, "coca_vision_model.onnx"),
            input_names=["pixel_values"], output_names=["image_embeds", "image_tokens"],
            dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}, "image_tokens": {0: "batch"}},
            opset_version=17,
        )
        ids = torch.tensor([[49406, 320, 1125, 539]], dtype=torch.long)
        torch.onnx.export(
            TextDecoder(model), (ids, tokens), os.path.join(args.out, "coca_text_decoder.onnx"),
            input_names=["input_ids", "image_tokens"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "image_tokens": {0: "batch"}, "logits": {0: "batch", 1: "sequence"}},
            opset_version=17,
        )


if __name__ == "__main__":
    main()
