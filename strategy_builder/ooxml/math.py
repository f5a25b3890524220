"""Office Math (OMML) as linear text, the form a diff compares equations in: ``(a+b)/(c)``, ``x^(2)``, ``√(x)``.

The linear form follows the spirit of Word's linear format (UnicodeMath): fractions ``(num)/(den)``,
scripts ``base^(sup)`` and ``base_(sub)``, radicals ``√(deg&e)``, n-ary operators ``∑_(sub)^(sup) e``,
delimiters with their characters, matrices ``■(a&b@c&d)``. Two equations are the same for a reader when
their linear texts are equal; a change shows as a word diff of the linear texts.
"""

from __future__ import annotations

from lxml import etree

from strategy_builder.ooxml.namespaces import M, T, qn

_M = f"{{{M}}}"


def _val(element: etree._Element | None, name: str, default: str) -> str:
    """``m:<name>/@m:val`` of a properties element, or ``default``."""
    if element is None:
        return default
    child = element.find(f"{_M}{name}")
    if child is None:
        return default
    value = child.get(qn("m:val"))
    return default if value is None else value


def _part(element: etree._Element, name: str) -> str:
    child = element.find(f"{_M}{name}")
    return _linear(child) if child is not None else ""


def _group(text: str) -> str:
    return text if len(text) <= 1 else f"({text})"


def _linear(element: etree._Element) -> str:
    """The linear text of an OMML element and its content."""
    pieces: list[str] = []
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        local = tag[len(_M):] if tag.startswith(_M) else None
        if local is None:
            if tag == T:  # text of a w:r inside the equation
                pieces.append(child.text or "")
            elif not tag.endswith("}rPr") and not tag.endswith("}ctrlPr"):
                pieces.append(_linear(child))
            continue
        if local == "t":
            pieces.append(child.text or "")
        elif local.endswith("Pr"):
            continue
        elif local == "f":
            pieces.append(f"{_group(_part(child, 'num'))}/{_group(_part(child, 'den'))}")
        elif local == "sSup":
            pieces.append(f"{_part(child, 'e')}^{_group(_part(child, 'sup'))}")
        elif local == "sSub":
            pieces.append(f"{_part(child, 'e')}_{_group(_part(child, 'sub'))}")
        elif local == "sSubSup":
            pieces.append(f"{_part(child, 'e')}_{_group(_part(child, 'sub'))}^{_group(_part(child, 'sup'))}")
        elif local == "sPre":
            pieces.append(f"_{_group(_part(child, 'sub'))}^{_group(_part(child, 'sup'))}{_part(child, 'e')}")
        elif local == "rad":
            degree = _part(child, "deg")
            pieces.append(f"√({degree}&{_part(child, 'e')})" if degree else f"√{_group(_part(child, 'e'))}")
        elif local == "nary":
            properties = child.find(f"{_M}naryPr")
            operator = _val(properties, "chr", "∫")
            sub, sup = _part(child, "sub"), _part(child, "sup")
            pieces.append(operator + (f"_{_group(sub)}" if sub else "") + (f"^{_group(sup)}" if sup else "")
                          + " " + _part(child, "e"))
        elif local == "d":
            properties = child.find(f"{_M}dPr")
            separator = _val(properties, "sepChr", "|")
            inner = separator.join(_linear(e) for e in child.findall(f"{_M}e"))
            pieces.append(_val(properties, "begChr", "(") + inner + _val(properties, "endChr", ")"))
        elif local == "func":
            pieces.append(f"{_part(child, 'fName')}⁡{_part(child, 'e')}")
        elif local in ("limLow", "limUpp"):
            mark = "_" if local == "limLow" else "^"
            pieces.append(f"{_part(child, 'e')}{mark}{_group(_part(child, 'lim'))}")
        elif local == "acc":
            pieces.append(f"{_group(_part(child, 'e'))}{_val(child.find(f'{_M}accPr'), 'chr', chr(0x302))}")
        elif local == "bar":
            pieces.append(f"{_group(_part(child, 'e'))}{chr(0x305)}")
        elif local == "groupChr":
            pieces.append(f"{_val(child.find(f'{_M}groupChrPr'), 'chr', chr(0x23DF))}{_group(_part(child, 'e'))}")
        elif local == "eqArr":
            pieces.append("█(" + "@".join(_linear(e) for e in child.findall(f"{_M}e")) + ")")
        elif local == "m":
            rows = ["&".join(_linear(e) for e in row.findall(f"{_M}e")) for row in child.findall(f"{_M}mr")]
            pieces.append("■(" + "@".join(rows) + ")")
        else:  # m:r, m:e, m:oMath, m:box, m:borderBox, m:phant ... and anything newer: their content
            pieces.append(_linear(child))
    return "".join(pieces)


def linear_text(equation: etree._Element) -> str:
    """The linear text of an ``m:oMath`` or ``m:oMathPara`` (several equations separated by a line break)."""
    if equation.tag == f"{_M}oMathPara":
        return "\n".join(_linear(e) for e in equation.iter(f"{_M}oMath"))
    return _linear(equation)


__all__ = ["linear_text"]
