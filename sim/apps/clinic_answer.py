"""The clinic's answer: healthy and scenario strides compared in plain language, one sign
convention, numbers rounded to what they mean, how sure each change is, and each stride's
realism caveats (docs/clinic.md)."""

from __future__ import annotations

import math

from sim.apps.clinic_inputs import ClinicalInputs
from sim.apps.clinic_measures import ANGLE_CURVES, PERCENT, POWER_CURVES, SEGMENTS
from sim.apps.clinic_scenarios import SIDE_WORDS, TITLES

#: compared quantities: (key with {side} for per-side ones, label, unit shown, digits, scale to
#: the shown unit, what a rise means, what a fall means); "{x}" is the rounded size of the change
POSTURE = [
    ("pelvis_forward_tip_mean_deg", "Pelvis forward tip (anterior tilt), mean", "deg", 0, 1.0,
     "the pelvis tips forward {x} deg more", "the pelvis tips forward {x} deg less"),
    ("lumbar_extension_mean_deg", "Lower-back arch (lumbar extension), mean", "deg", 0, 1.0,
     "the lower back arches {x} deg more", "the lower back arches {x} deg less"),
    ("trunk_forward_lean_mean_deg", "Trunk forward lean, mean", "deg", 0, 1.0,
     "the trunk leans forward {x} deg more", "the trunk leans forward {x} deg less"),
    ("hip_extension_at_toe_off_{side}_deg", "Hip extension at push-off{side_label}", "deg", 0, 1.0,
     "the{side_word} hip extends {x} deg further at push-off", "the{side_word} hip extends {x} deg less at push-off"),
    ("peak_hip_extension_{side}_deg", "Largest hip extension{side_label}", "deg", 0, 1.0,
     "the{side_word} hip reaches {x} deg more extension", "the{side_word} hip reaches {x} deg less extension"),
    ("knee_flexion_at_contact_{side}_deg", "Knee bend at touchdown{side_label}", "deg", 0, 1.0,
     "the{side_word} knee lands {x} deg more bent", "the{side_word} knee lands {x} deg straighter"),
    ("cadence_steps_per_min", "Cadence", "steps/min", 0, 1.0, "cadence rises by {x} steps/min",
     "cadence falls by {x} steps/min"),
    ("stride_length_m", "Stride length", "m", 2, 1.0, "strides are {x} m longer", "strides are {x} m shorter"),
    ("calf_share_of_propulsion_{side}", "Calf muscles' share of push-off{side_label}", "%", 0, 100.0,
     "the{side_word} calf muscles do {x} percentage points more of the push-off",
     "the{side_word} calf muscles do {x} percentage points less of the push-off"),
    ("hip_extensor_share_of_propulsion_{side}", "Hip extensors' share of push-off{side_label}", "%", 0, 100.0,
     "the{side_word} hip extensors do {x} percentage points more of the push-off",
     "the{side_word} hip extensors do {x} percentage points less of the push-off"),
    ("hamstring_share_of_hip_extension_work_{side}", "Hamstrings' share of hip-extension work{side_label}", "%", 0,
     100.0, "the{side_word} hamstrings take {x} percentage points more of the hip-extension work",
     "the{side_word} hamstrings take {x} percentage points less of the hip-extension work"),
]
LOADS = [
    ("l5s1_compression_peak_bw", "Lower back (L5/S1) compression, peak", "body weights", 1, 1.0,
     "the lower back is compressed {x} body weights more at peak", "the lower back is compressed {x} body weights less",
     "Newton-Euler reaction at the model's lumbar joint, in the trunk's frame; checked against OpenSim's "
     "JointReaction analysis (docs/clinic.md)"),
    ("l5s1_anterior_shear_peak_bw", "Lower back (L5/S1) forward shear, peak", "body weights", 2, 1.0,
     "forward shear on the lower back rises by {x} body weights",
     "forward shear on the lower back falls by {x} body weights",
     "the forward component, in the trunk's frame, of the force the trunk exerts on the pelvis"),
    ("hip_contact_force_peak_{side}_bw", "Hip joint contact force, peak{side_label}", "body weights", 1, 1.0,
     "the{side_word} hip joint is loaded {x} body weights more", "the{side_word} hip joint is loaded {x} body weights less",
     "sagittal-plane hip joint reaction (the frontal-plane abductor load is outside a sagittal model)"),
    ("knee_extensor_moment_peak_{side}_nm_per_kg", "Knee extensor moment, peak{side_label} (kneecap load)", "N m/kg",
     1, 1.0, "the{side_word} knee extensors work {x} N m/kg harder (more kneecap load)",
     "the{side_word} knee extensors work {x} N m/kg less (less kneecap load)",
     "net knee extensor moment: the patellofemoral load proxy of Lenhart et al. 2014 (Med Sci Sports Exerc 46:557)"),
    ("hamstring_force_peak_{side}_bw", "Hamstring force, peak{side_label}", "body weights", 2, 1.0,
     "the{side_word} hamstrings pull {x} body weights harder", "the{side_word} hamstrings pull {x} body weights less",
     "tendon force of the model's biarticular hamstrings"),
    ("hamstring_fiber_strain_peak_{side}", "Hamstring fibre stretch, peak{side_label}", "% beyond optimal length", 0,
     100.0, "the{side_word} hamstring fibres stretch {x} percentage points of their optimal length further",
     "the{side_word} hamstring fibres stretch {x} percentage points of their optimal length less",
     "fibre length beyond optimal at its peak, in late swing (Chumanov et al. 2007, J Biomech 40:3555)"),
]


def shown(value: float, digits: int) -> str:
    """A number as people read it: rounded, and never "-0"."""
    text = f"{round(value, digits) + 0.0:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def shown_change(row: dict, key: str) -> float:
    """The change of ``key`` against healthy between the values as shown."""
    d = row["digits"]
    return round(row["values"][key], d) - round(row["values"]["healthy"], d)


def _sides(inputs: ClinicalInputs) -> list[str | None]:
    """Both sides when the strides differ between them (as planned: a difference within the
    healthy tolerance is none), else one."""
    from sim.apps.clinic_scenarios import plan

    return ["r", "l"] if any(not p.sides_equal for p in plan(inputs)) else [None]


def _row(spec_row: tuple, side: str | None, measures: dict[str, dict]) -> dict | None:
    key, label, unit, digits, scale, more, less = spec_row[:7]
    name = key.format(side=side or "r")
    if any(name not in m["values"] or not math.isfinite(m["values"][name]) for m in measures.values()):
        return None  # a quantity a stride does not have (no push-off to share, say) is not compared
    side_label = f", {SIDE_WORDS[side]}" if side else ""
    side_word = f" {SIDE_WORDS[side]}" if side else ""
    values = {k: m["values"][name] * scale for k, m in measures.items()}
    change = {k: v - values["healthy"] for k, v in values.items() if k != "healthy"}
    spreads = [m["spread"][name] * scale for m in measures.values() if m.get("spread")]
    spread = max(spreads) if len(spreads) == len(measures) else None
    exceeds = None
    if spread is not None:
        # judged for the changes people see; one that rounds to nothing is not judged (None)
        exceeds = {k: (abs(c) > measures["healthy"]["spread"][name] * scale + measures[k]["spread"][name] * scale)
                   if round(abs(round(values[k], digits) - round(values["healthy"], digits)), digits) > 0 else None
                   for k, c in change.items()}
    sentence = ""
    if "both" in change:
        # the change is told between the values as shown, so that the words and numbers agree
        before, after = round(values["healthy"], digits), round(values["both"], digits)
        c = after - before
        if round(abs(c), digits) == 0:
            sentence = f"{label[0].upper()}{label[1:]}: no noticeable change."
        else:
            words = (more if c > 0 else less).format(x=shown(abs(c), digits), side_word=side_word)
            sentence = f"{words[0].upper()}{words[1:]} ({shown(before, digits)} -> {shown(after, digits)} {unit})."
    row = {"key": name, "label": label.format(side_label=side_label), "unit": unit, "digits": digits,
           "values": values, "change": change, "spread": spread, "exceeds_spread": exceeds, "sentence": sentence}
    row["change_shown"] = {k: shown_change(row, k) for k in change}
    if len(spec_row) > 7:
        row["source"] = spec_row[7]
    return row


def driver(row: dict) -> str | None:
    """Which impairment drives the change of ``row`` (values as shown), when each was also solved
    alone: "hip flexors", "glutes", "together" (neither alone changes it) or "opposed" (the two
    alone change it in opposite directions); None without a noticeable change."""
    digits, values = row["digits"], row["values"]
    if not {"hip_flexors", "glutes", "both"} <= set(values) or round(abs(shown_change(row, "both")), digits) == 0:
        return None
    hip, glute, both = (shown_change(row, k) for k in ("hip_flexors", "glutes", "both"))
    if round(abs(hip), digits) == 0 and round(abs(glute), digits) == 0:
        return "together"
    if hip * glute < 0 and min(abs(hip), abs(glute)) >= 0.25 * max(abs(hip), abs(glute)):
        return "opposed"  # each alone pushes it a noticeable way, opposite to the other
    hip_leads = abs(hip) >= abs(glute)
    if (hip if hip_leads else glute) * both < 0:
        return "together"
    return "hip flexors" if hip_leads else "glutes"


def _driver_sentence(row: dict) -> str | None:
    word = driver(row)
    if word is None:
        return None
    digits = row["digits"]

    def signed(key: str) -> str:
        x = shown_change(row, key)
        return "0" if round(abs(x), digits) == 0 else f"{x:+.{digits}f}"
    numbers = (f"(hip flexors alone {signed('hip_flexors')}, glutes alone {signed('glutes')}, "
               f"both {signed('both')} {row['unit']})")
    lead = {"hip flexors": "mostly the hip flexors", "glutes": "mostly the glutes",
            "together": "only the two together", "opposed": "each alone pushes it the opposite way"}[word]
    return f"{row['label']}: {lead} {numbers}."


def caveats(key: str, m: dict, kind: str, healthy: dict | None = None) -> list[str]:
    from sim.apps.study import changes_family

    out = []
    knee, healthy_knee = m.get("swing_knee_flexion_deg"), (healthy or {}).get("swing_knee_flexion_deg")
    if key != "healthy" and knee is not None and healthy_knee is not None and changes_family(healthy_knee, knee):
        out.append(f"This stride is of another kind than the healthy one (peak swing knee flexion {knee:.0f} against "
                   f"{healthy_knee:.0f} deg): the model's cheapest stride switched between two running styles, so "
                   "the differences mix the impairment's effect with the switch (docs/study.md, 'Two stride families').")
    if m["realism_failing"]:
        out.append(f"This stride misses {len(m['realism_failing'])} of the realism checks of healthy running ("
                   + ", ".join(m["realism_failing"]) + "): read the directions of change, not the absolute values.")
    if m.get("realism_not_applied"):
        out.append(f"The {', '.join(m['realism_not_applied'])} checks are targets of healthy running at 3.5 m/s and "
                   f"are not applied at {m['speed_m_s']:g} m/s.")
    if not m.get("spread") and kind != "preview":
        out.append("How sure: no other start reached the same cost (within 1 %), so the spread over equally good "
                   "strides was not measured.")
    if kind == "preview":
        out.append("Preview: interpolated from pre-solved scenarios at 3.5 m/s for the generic runner; the exact "
                   "answer replaces it.")
    return out


def caveats_by_note(answer: dict) -> list[tuple[str, list[str]]]:
    """Each caveat of an answer once, with the titles of the strides it applies to."""
    titles = {s["key"]: s["title"] for s in answer["scenarios"]}
    by_note: dict[str, list[str]] = {}
    for key, notes in answer["caveats"].items():
        for note in notes:
            by_note.setdefault(note, []).append(titles[key])
    return list(by_note.items())


def build_answer(inputs: ClinicalInputs, measures: dict[str, dict], kind: str = "exact") -> dict:
    """The answer for ``inputs`` from the measures of its strides ({key: stride_measures(...)})."""
    keys = [k for k in TITLES if k in measures]
    sides = _sides(inputs)
    comparison = [r for spec_row in POSTURE for side in (sides if "{side}" in spec_row[0] else [None])
                  if (r := _row(spec_row, side, measures))]
    loads = [r for spec_row in LOADS for side in (sides if "{side}" in spec_row[0] else [None])
             if (r := _row(spec_row, side, measures))]
    text = [r["sentence"] for r in comparison + loads if r["sentence"] and "no noticeable" not in r["sentence"]]
    if len(keys) == 1:
        text = ["No impairment was entered: this is the healthy stride at this speed and size."]
    elif not text:
        text = ["None of the reported quantities changes noticeably."]
    drivers = [d for r in comparison + loads if (d := _driver_sentence(r))]
    shares = {}
    for k in keys:
        shares[k] = {}
        for side in sides:
            tag = f", {SIDE_WORDS[side]}" if side else ""
            v = measures[k]["values"]
            calf, hip = v[f"calf_share_of_propulsion_{side or 'r'}"], v[f"hip_extensor_share_of_propulsion_{side or 'r'}"]
            if math.isfinite(calf) and math.isfinite(hip):  # no push-off at all: no shares to show
                shares[k] |= {f"Calf muscles{tag}": calf, f"Hip extensors{tag}": hip,
                              f"Other muscles{tag}": max(0.0, 1.0 - calf - hip)}
    angles = {key: label for key, label, *_ in ANGLE_CURVES}
    powers = {key: label for key, label, _ in POWER_CURVES}
    series = [{"key": key, "label": label, "unit": "deg" if key in angles else "W/kg",
               "kind": "angle" if key in angles else "power", "values": {k: measures[k]["curves"][key] for k in keys}}
              for key, label in (angles | powers).items()]
    count = len(next(iter(measures["healthy"]["frames"]["points"].values())))
    return _finite({
        "kind": kind, "inputs": inputs.model_dump(),
        "scenarios": [{"key": k, "title": TITLES[k]} for k in keys],
        "text": text + drivers, "drivers": drivers,
        "caveats": {k: caveats(k, measures[k], kind, measures.get("healthy")) for k in keys},
        "comparison": comparison, "loads": loads, "shares": shares,
        "curves": {"percent": PERCENT.tolist(), "series": series},
        "frames": {"count": count, "segments": [list(s) for s in SEGMENTS],
                   "runs": {k: measures[k]["frames"] for k in keys}},
        "strides": {k: measures[k].get("folder") for k in keys},
    })


def _finite(data):
    """``data`` with NaN and infinities as None: answer.json stays valid JSON for every reader."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_finite(v) for v in data]
    return data
