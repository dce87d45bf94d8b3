"""Reading the reference CSV files (TERC list, population figures): strict, and every error names its line."""

import csv
from collections.abc import Iterator
from pathlib import Path


class ImportFileError(Exception):
    """A file that cannot be imported; nothing from it has been written."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def read_rows(path: Path, *, delimiter: str, header: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row; UTF-8 with or without a BOM, any line ending."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ImportFileError(f"cannot open {path}: {error.strerror}") from error
    with handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            found = tuple(column.strip() for column in next(reader, ()))
            if found != header:
                raise ImportFileError(
                    f"expected the header {delimiter.join(header)!r}, found {delimiter.join(found)!r}", line=1
                )
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise ImportFileError(f"expected {len(header)} columns, found {len(row)}", line=line)
                yield line, {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        except UnicodeDecodeError as error:
            raise ImportFileError(f"the file is not UTF-8 text ({error.reason})") from error
        except csv.Error as error:
            raise ImportFileError(f"malformed CSV: {error}", line=reader.line_num) from error
