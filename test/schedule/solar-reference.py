#!/usr/bin/python3
"""Prints the reference instants pinned in solar.test.ts.

They come from PyEphem (4.1.4 here: `/usr/bin/python3 test/schedule/solar-reference.py`), the library
Celery's own `celery.schedules.solar` uses, set up exactly as Celery sets it up: elevation 0,
pressure 0 (no refraction model), horizon -0:34 with the upper limb for sunrise/sunset, the centre of
the disc at -6/-12/-18 degrees for twilight, and next_transit for solar_noon. (Celery's table has
+18 for dusk_astronomical, a typo that would put "dusk" in the afternoon; we use -18, as for dawn.)
"""
import ephem

HORIZONS = {
    'dawn_astronomical': ('-18', 'next_rising', True),
    'dawn_nautical': ('-12', 'next_rising', True),
    'dawn_civil': ('-6', 'next_rising', True),
    'sunrise': ('-0:34', 'next_rising', False),
    'solar_noon': ('0', 'next_transit', False),
    'sunset': ('-0:34', 'next_setting', False),
    'dusk_civil': ('-6', 'next_setting', True),
    'dusk_nautical': ('-12', 'next_setting', True),
    'dusk_astronomical': ('-18', 'next_setting', True),
}

PLACES = {
    'Stockholm': (59.33, 18.06),
    'Tromso': (69.65, 18.96),
    'Sydney': (-33.87, 151.21),
    'Quito': (-0.18, -78.47),
    'Pago Pago': (-14.27, -170.70),
    'Longyearbyen': (78.22, 15.65),
}

CASES = [
    ('Stockholm', '2025-12-21 00:00:00', list(HORIZONS)),
    ('Stockholm', '2025-03-20 12:00:00', ['sunrise', 'sunset', 'solar_noon', 'dusk_civil']),
    # Mid-June: the sun stays above -12 degrees, so nautical and astronomical twilight skip weeks.
    ('Stockholm', '2025-06-15 00:00:00', ['dawn_nautical', 'dusk_nautical', 'dawn_astronomical', 'dusk_civil']),
    # Polar night (no sunrise from late November to mid January) and midnight sun (no sunset).
    ('Tromso', '2025-12-01 00:00:00', ['sunrise', 'sunset', 'solar_noon', 'dawn_civil']),
    ('Tromso', '2025-06-01 00:00:00', ['sunset', 'sunrise', 'dusk_civil']),
    ('Tromso', '2025-09-10 00:00:00', ['sunrise', 'sunset']),
    ('Sydney', '2025-01-15 00:00:00', ['sunrise', 'solar_noon', 'sunset', 'dusk_civil', 'dawn_astronomical']),
    ('Quito', '2025-03-20 00:00:00', ['sunrise', 'solar_noon', 'sunset', 'dusk_nautical']),
    ('Pago Pago', '2025-07-04 00:00:00', ['sunrise', 'sunset', 'solar_noon']),
    ('Longyearbyen', '2025-02-10 00:00:00', ['sunrise', 'dawn_civil']),
]

for place, start, events in CASES:
    lat, lon = PLACES[place]
    for event in events:
        horizon, method, use_center = HORIZONS[event]
        observer = ephem.Observer()
        observer.lat, observer.lon, observer.elev = str(lat), str(lon), 0
        observer.horizon, observer.pressure = horizon, 0
        observer.date = start
        when = start
        # Step past days where the event does not happen (ephem raises), as a beat waiting for it would.
        for _ in range(400):
            try:
                kwargs = {'start': when}
                if use_center:
                    kwargs['use_center'] = True
                result = getattr(observer, method)(ephem.Sun(), **kwargs)
                break
            except ephem.CircumpolarError:
                observer.date = when
                when = ephem.Date(observer.next_antitransit(ephem.Sun()) + ephem.minute)
        iso = result.datetime().strftime('%Y-%m-%dT%H:%M:%SZ')
        print(f"  ['{place}', {lat}, {lon}, '{event}', '{start.replace(' ', 'T')}Z', '{iso}'],")
