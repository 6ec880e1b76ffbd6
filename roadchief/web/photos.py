"""Accept a photo: an image only (decoded by Pillow, whatever its name or type header
says), turned upright, scaled down, re-encoded as a JPEG with no metadata at all (no
EXIF, so no GPS position, camera or time), before anything is stored or shown."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
"""Formats a phone or a browser sends (MPO: some phones' JPEGs)."""
MAX_PIXELS = 50_000_000
"""Refuse before decoding anything larger (a small file can claim a huge image)."""


class NotAnImage(ValueError):
    """The upload is not an image this app accepts."""


def clean_photo(data: bytes, max_px: int) -> tuple[bytes, tuple[int, int]]:
    """The photo as a metadata-free JPEG at most ``max_px`` on its long side, and its size."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED:
                raise NotAnImage(f"format {image.format} is not accepted")
            if image.width * image.height > MAX_PIXELS:
                raise NotAnImage("the image is too large")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning) as exc:
        raise NotAnImage(str(exc)) from exc
    except Image.DecompressionBombError as exc:
        raise NotAnImage(str(exc)) from exc
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    rgb = upright.convert("RGB")
    rgb.thumbnail((max_px, max_px))
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)  # a new image: nothing of the upload's info travels with the pixels
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue(), clean.size
