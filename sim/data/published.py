"""Published measurements of healthy running against speed and body size, for the series figures.

Each entry names its source and how the number was obtained; "computed" means derived here
from a public data file, not read in a paper.
"""

from __future__ import annotations

#: Hamner & Delp (2013, J Biomech 46:780), treadmill, subject01 (72.84 kg): computed from the
#: measured ground reaction forces (stanfordnmbl/addbiomechanics-paper, Hamner2013Running,
#: run{200,300,400,500}_grf.mot, 100 Hz; 4-6 contacts of both feet averaged; the impact peak is
#: smoothed out at that rate). speed (m/s) -> values.
HAMNER_DELP_2013_SUBJECT01 = {
    2.0: {"cadence_steps_per_min": 155, "stride_length_m": 1.55, "duty_factor": 0.45, "peak_vertical_grf_bw": 2.16},
    3.0: {"cadence_steps_per_min": 167, "stride_length_m": 2.16, "duty_factor": 0.40, "peak_vertical_grf_bw": 2.52},
    4.0: {"cadence_steps_per_min": 176, "stride_length_m": 2.72, "duty_factor": 0.375, "peak_vertical_grf_bw": 2.65},
    5.0: {"cadence_steps_per_min": 194, "stride_length_m": 3.09, "duty_factor": 0.37, "peak_vertical_grf_bw": 2.61},
}

#: preferred cadence (steps/min) of runner groups at one speed (m/s): (speed, mean, SD, source)
CADENCE_GROUPS = [
    (2.4, 154, None, "van Oeveren et al. 2017, PLoS ONE 12:e0184273 (12 novices, treadmill)"),
    (2.9, 160, None, "van Oeveren et al. 2017, PLoS ONE 12:e0184273 (12 novices, treadmill)"),
    (3.04, 165, 8, "van Oeveren et al. 2020, Eur J Sport Sci 20:182 (21 experienced runners, outdoors)"),
    (3.8, 171, 8, "Frontiers in Sports and Active Living 2020, doi:10.3389/fspor.2020.628348 (68 high-school runners)"),
    (4.6, 177, 7, "Frontiers in Sports and Active Living 2020, doi:10.3389/fspor.2020.628348 (29 college runners)"),
]

#: the embedded measured runner (Hamner et al. 2010, subject 02; 1.83 m), 13 cycles at 3.9 m/s: ranges
HAMNER_2010_SUBJECT02 = {"speed": 3.9, "cadence_steps_per_min": (167, 185), "duty_factor": (0.29, 0.36),
                         "peak_vertical_grf_bw": (2.25, 2.43), "knee_flexion_at_contact_deg": (16, 23),
                         "peak_swing_knee_flexion_deg": (100, 109)}

#: body size: at a given speed, height and leg length correlate only weakly with preferred stride
#: length and frequency (Cavanagh & Kram 1989, Med Sci Sports Exerc 21:467: r <= 0.36, not
#: significant); step frequency falls with height (van Oeveren et al. 2020: r = -0.49 to -0.66 at
#: about 3.0-3.5 m/s, no slope given)
SIZE_NOTE = ("Mass at the base runner's body-mass index. Measured: preferred cadence depends only weakly on height "
             "at a given speed (Cavanagh & Kram 1989, r <= 0.36; van Oeveren et al. 2020, r = -0.49 to -0.66, taller "
             "runners step less often).")
