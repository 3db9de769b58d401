//! "Relative position within image" (P2677) values: IIIF Image API regions
//! (<https://iiif.io/api/image/2.1/#region>) — `full`, `pct:x,y,w,h` or `x,y,w,h` in pixels —
//! and what the tool draws and serves from them: a box in percent of the image for the page,
//! and a box in pixels of the original image for IIIF annotations.

/// A region of an image, as the qualifier's value says it.
#[derive(Debug, Clone, PartialEq)]
pub enum Region {
    Full,
    /// Left, top, width and height in percent of the image's width and height.
    Percent(Rect<f64>),
    /// Left, top, width and height in pixels of the full image.
    Pixels(Rect<u64>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect<T> {
    pub x: T,
    pub y: T,
    pub w: T,
    pub h: T,
}

/// Why a qualifier value is not a region this tool can show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not an IIIF region (full, pct:x,y,w,h or x,y,w,h)")]
pub struct RegionError(pub String);

fn four<T: std::str::FromStr>(text: &str) -> Option<[T; 4]> {
    let mut parts = text.split(',').map(|part| part.trim().parse::<T>().ok());
    let values = [
        parts.next()??,
        parts.next()??,
        parts.next()??,
        parts.next()??,
    ];
    parts.next().is_none().then_some(values)
}

impl Region {
    pub fn parse(text: &str) -> Result<Self, RegionError> {
        let refused = || RegionError(text.to_owned());
        if text == "full" {
            return Ok(Self::Full);
        }
        if let Some(numbers) = text.strip_prefix("pct:") {
            let [x, y, w, h] = four::<f64>(numbers).ok_or_else(refused)?;
            let valid = [x, y, w, h].iter().all(|v| v.is_finite() && *v >= 0.0)
                && w > 0.0
                && h > 0.0
                && x < 100.0
                && y < 100.0;
            return valid
                .then_some(Self::Percent(Rect { x, y, w, h }))
                .ok_or_else(refused);
        }
        let [x, y, w, h] = four::<u64>(text).ok_or_else(refused)?;
        (w > 0 && h > 0)
            .then_some(Self::Pixels(Rect { x, y, w, h }))
            .ok_or_else(refused)
    }

    /// The box in percent of an image of `width` × `height` pixels (the size of the original:
    /// pixel regions are in its pixels), inside the image: what is outside is cut off.
    pub fn percent_box(&self, width: u64, height: u64) -> PercentBox {
        let (x, y, w, h) = match self {
            Self::Full => (0.0, 0.0, 100.0, 100.0),
            Self::Percent(r) => (r.x, r.y, r.w, r.h),
            Self::Pixels(r) => {
                let (width, height) = (width.max(1) as f64, height.max(1) as f64);
                (
                    100.0 * r.x as f64 / width,
                    100.0 * r.y as f64 / height,
                    100.0 * r.w as f64 / width,
                    100.0 * r.h as f64 / height,
                )
            }
        };
        let left = x.clamp(0.0, 100.0);
        let top = y.clamp(0.0, 100.0);
        PercentBox {
            left,
            top,
            width: w.clamp(0.0, 100.0 - left),
            height: h.clamp(0.0, 100.0 - top),
        }
    }

    /// The box in whole pixels of an image of `width` × `height` pixels, for IIIF's
    /// `#xywh=`: each edge rounded to the nearest pixel (the original truncated, so that
    /// 33.3333 % of 300 px became 99), and inside the image.
    pub fn pixel_box(&self, width: u64, height: u64) -> Rect<u64> {
        let to_pixels = |percent: f64, size: u64| (percent * size as f64 / 100.0).round() as u64;
        match self {
            Self::Full => Rect {
                x: 0,
                y: 0,
                w: width,
                h: height,
            },
            Self::Percent(r) => {
                let x = to_pixels(r.x, width).min(width);
                let y = to_pixels(r.y, height).min(height);
                let right = to_pixels(r.x + r.w, width).min(width);
                let bottom = to_pixels(r.y + r.h, height).min(height);
                Rect {
                    x,
                    y,
                    w: right - x,
                    h: bottom - y,
                }
            }
            Self::Pixels(r) => {
                let x = r.x.min(width);
                let y = r.y.min(height);
                Rect {
                    x,
                    y,
                    w: r.w.min(width - x),
                    h: r.h.min(height - y),
                }
            }
        }
    }
}

/// A region's box in percent of the image, as the page draws it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PercentBox {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl PercentBox {
    /// `left`, `top`, `width`, `height` as CSS lengths (`12.5%`), at most 4 decimals.
    pub fn css(&self) -> [String; 4] {
        [self.left, self.top, self.width, self.height].map(|value| format!("{}%", short(value)))
    }

    /// The area in square percent: smaller boxes are drawn later, so they stay clickable on
    /// top of the larger ones around them.
    pub fn area(&self) -> f64 {
        self.width * self.height
    }
}

/// A number with at most 4 decimals and no trailing zeros (`12.5`, `33.3333`, `100`).
fn short(value: f64) -> String {
    let rounded = (value * 10_000.0).round() / 10_000.0;
    let text = format!("{rounded:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(x: f64, y: f64, w: f64, h: f64) -> Region {
        Region::Percent(Rect { x, y, w, h })
    }

    #[test]
    fn regions_parse_in_the_three_iiif_forms() {
        let cases = [
            ("full", Ok(Region::Full)),
            ("pct:10,20,30,40", Ok(pct(10.0, 20.0, 30.0, 40.0))),
            (
                "pct:12.3457,0,87.6543,50.5",
                Ok(pct(12.3457, 0.0, 87.6543, 50.5)),
            ),
            (
                "100,200,300,400",
                Ok(Region::Pixels(Rect {
                    x: 100,
                    y: 200,
                    w: 300,
                    h: 400,
                })),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(Region::parse(text), expected, "{text}");
        }
        for junk in [
            "",
            "square",
            "pct:",
            "pct:1,2,3",
            "pct:1,2,3,4,5",
            "pct:1,2,0,4",
            "pct:-1,2,3,4",
            "pct:100,0,1,1",
            "pct:NaN,0,1,1",
            "pct:inf,0,1,1",
            "1,2,3",
            "1,2,0,4",
            "1.5,2,3,4",
            "-1,2,3,4",
            "pct:1,2,3,4; color: red",
        ] {
            assert_eq!(
                Region::parse(junk),
                Err(RegionError(junk.to_owned())),
                "{junk}"
            );
        }
    }

    #[test]
    fn percent_boxes_stay_inside_the_image() {
        let cases = [
            (Region::Full, (400, 300), ["0%", "0%", "100%", "100%"]),
            (
                pct(10.0, 20.0, 30.0, 40.0),
                (400, 300),
                ["10%", "20%", "30%", "40%"],
            ),
            (
                pct(33.333333, 12.345678, 10.0, 10.0),
                (400, 300),
                ["33.3333%", "12.3457%", "10%", "10%"],
            ),
            // Past the right and bottom edges: cut off at the edge.
            (
                pct(90.0, 95.0, 20.0, 20.0),
                (400, 300),
                ["90%", "95%", "10%", "5%"],
            ),
            (
                pct(99.99999, 0.0, 5.0, 5.0),
                (400, 300),
                ["100%", "0%", "0%", "5%"],
            ),
            (
                Region::Pixels(Rect {
                    x: 100,
                    y: 75,
                    w: 200,
                    h: 150,
                }),
                (400, 300),
                ["25%", "25%", "50%", "50%"],
            ),
            (
                Region::Pixels(Rect {
                    x: 300,
                    y: 0,
                    w: 500,
                    h: 300,
                }),
                (400, 300),
                ["75%", "0%", "25%", "100%"],
            ),
            (
                Region::Pixels(Rect {
                    x: 1,
                    y: 1,
                    w: 1,
                    h: 1,
                }),
                (3, 3),
                ["33.3333%", "33.3333%", "33.3333%", "33.3333%"],
            ),
        ];
        for (region, (width, height), css) in cases {
            assert_eq!(
                region.percent_box(width, height).css(),
                css.map(str::to_owned),
                "{region:?} on {width}×{height}"
            );
        }
    }

    #[test]
    fn pixel_boxes_round_each_edge_and_stay_inside_the_image() {
        let cases = [
            (Region::Full, (4000, 3000), (0, 0, 4000, 3000)),
            (
                pct(10.0, 20.0, 30.0, 40.0),
                (4000, 3000),
                (400, 600, 1200, 1200),
            ),
            // 33.3333 % of 300 px is 99.9999 px: 100, not 99.
            (
                pct(33.3333, 33.3333, 33.3333, 33.3333),
                (300, 300),
                (100, 100, 100, 100),
            ),
            // Edges rounded, not widths: the box ends where its right edge rounds to.
            (pct(0.5, 0.5, 0.5, 0.5), (300, 300), (2, 2, 1, 1)),
            (
                pct(90.0, 90.0, 20.0, 20.0),
                (1000, 500),
                (900, 450, 100, 50),
            ),
            (pct(99.99, 99.99, 1.0, 1.0), (100, 100), (100, 100, 0, 0)),
            (
                Region::Pixels(Rect {
                    x: 3900,
                    y: 100,
                    w: 500,
                    h: 100,
                }),
                (4000, 3000),
                (3900, 100, 100, 100),
            ),
            (
                Region::Pixels(Rect {
                    x: 5000,
                    y: 0,
                    w: 10,
                    h: 10,
                }),
                (4000, 3000),
                (4000, 0, 0, 10),
            ),
        ];
        for (region, (width, height), (x, y, w, h)) in cases {
            assert_eq!(
                region.pixel_box(width, height),
                Rect { x, y, w, h },
                "{region:?} on {width}×{height}"
            );
        }
    }

    #[test]
    fn smaller_boxes_have_smaller_areas() {
        let big = pct(0.0, 0.0, 50.0, 50.0).percent_box(100, 100);
        let small = pct(10.0, 10.0, 5.0, 5.0).percent_box(100, 100);
        assert!(small.area() < big.area());
    }
}
