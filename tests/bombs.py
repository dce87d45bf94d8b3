"""Decompression bombs, built in the test: the shapes that made a web worker fill gigabytes (docs/security.md
"Parsing uploads: budgets"). Each is small on the wire.

A Flate stream of zeros is made quickly without compressing gigabytes: one mebibyte of zeros compressed with
a full flush is a self-contained deflate block, and a run of that block inflates to as many mebibytes.
"""

import io
import struct
import zlib

import pikepdf

MiB = 1024 * 1024


def deflated_zeros(mebibytes: int, *, byte: bytes = b"\0") -> bytes:
    """A zlib stream that inflates to `mebibytes` MiB of `byte`, in about 1 KiB per MiB."""
    chunk = byte * MiB
    packer = zlib.compressobj(9)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    header, block = block[:2], block[2:]
    checksum = 1
    for _ in range(mebibytes):
        checksum = zlib.adler32(chunk, checksum)
    return header + block * mebibytes + b"\x03\x00" + struct.pack(">I", checksum)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)  # the raw streams as written, not recompressed
    return out.getvalue()


def _with_attachment(name: str, raw: bytes, filters: list) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, b"{}", filename=name, mime_type="application/json")
    pdf.attachments[name].get_file().obj.write(raw, filter=filters)
    return _saved(pdf)


def packet_with_double_flate_appendix(mebibytes: int = 2048) -> bytes:
    """integrity.json under /Filter [/FlateDecode /FlateDecode]: a few KB that inflate twice, to gigabytes."""
    flate = pikepdf.Name.FlateDecode
    return _with_attachment("integrity.json", zlib.compress(deflated_zeros(mebibytes), 9), [flate, flate])


def packet_with_json_appendix(text: bytes) -> bytes:
    """integrity.json holding `text`, Flate-compressed as a packet's attachments are."""
    return _with_attachment("integrity.json", zlib.compress(text, 9), [pikepdf.Name.FlateDecode])


def packet_with_many_copies_of_one_bomb(appendix: bytes, copies: int = 1000, mebibytes: int = 64) -> bytes:
    """An integrity appendix (`appendix`, attached as integrity.json) and `copies` attached files that are one
    and the same stream of `mebibytes` MiB of zeros: every copy is decoded again to be hashed."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(deflated_zeros(mebibytes), filter=pikepdf.Name.FlateDecode)
    stream.Type = pikepdf.Name.EmbeddedFile
    stream = pdf.make_indirect(stream)
    names = pikepdf.Array()
    for index in range(copies):
        spec = pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=pikepdf.String(f"arkusz-{index}.png"),
            UF=pikepdf.String(f"arkusz-{index}.png"),
            EF=pikepdf.Dictionary(F=stream),
        )
        names.append(pikepdf.String(f"arkusz-{index}.png"))
        names.append(pdf.make_indirect(spec))
    pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
    pdf.attachments["integrity.json"] = pikepdf.AttachedFileSpec(
        pdf, appendix, filename="integrity.json", mime_type="application/json"
    )
    return _saved(pdf)


def _latest(data: bytes) -> tuple[int, int, int]:
    """startxref, /Size and the catalog's number of the file's last revision."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.trailer.Root.objgen[0]
        size = int(pdf.trailer.Size)
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    return start, size, root


def update_with_object_stream_bomb(data: bytes, mebibytes: int = 1024) -> bytes:
    """`data` and an incremental update that moves its catalog (unchanged) into an object stream padded
    with `mebibytes` MiB of spaces: a reader must inflate the whole stream to find the catalog."""
    start, size, root = _latest(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        catalog = pdf.Root.unparse(resolved=False)
    header = b"%d 0\n" % root
    body = zlib.compressobj(9)
    prefix = body.compress(header + catalog + b"\n") + body.flush(zlib.Z_FULL_FLUSH)
    padding = deflated_zeros(mebibytes, byte=b" ")[2:]  # the padding's deflate blocks, without their header
    # One zlib stream: the catalog's block, then the padding's blocks; its checksum is not checked first.
    stream = prefix + padding[:-4] + b"\0\0\0\0"
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    holder, xref_number = size, size + 1
    holder_at = len(out)
    out += b"%d 0 obj\n<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (
        holder,
        len(header),
        len(stream),
    )
    out += stream + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = {root: (2, holder, 0), holder: (1, holder_at, 0), xref_number: (1, xref_at, 0)}
    index = b" ".join(b"%d 1" % number for number in sorted(rows))
    table = b"".join(struct.pack(">BIH", *rows[number]) for number in sorted(rows))
    out += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Index[%s]/Root %d 0 R/Prev %d/Length %d>>\nstream\n" % (
        xref_number,
        xref_number + 1,
        index,
        root,
        start,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def object_stream_bomb(mebibytes: int = 1024) -> bytes:
    """A one-page PDF whose catalog sits in an object stream padded with `mebibytes` MiB of spaces."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return update_with_object_stream_bomb(_saved(pdf), mebibytes)
