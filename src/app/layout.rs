//! Screen geometry, shared by the update function (page sizes, which rows are visible) and the
//! drawing code, so both agree without the UI writing state.

use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    /// The list pane, borders included.
    pub list: Rect,
    /// The detail pane (logs, stats, inspect, shells), borders included. Zero-sized when hidden.
    pub detail: Rect,
    pub status: Rect,
}

impl Areas {
    /// Rows of data the list pane shows (borders and the column header excluded).
    pub fn list_rows(&self) -> usize {
        usize::from(self.list.height.saturating_sub(3))
    }

    /// Lines of text the detail pane shows (borders and its tab line excluded).
    pub fn detail_rows(&self) -> usize {
        usize::from(self.detail.height.saturating_sub(2))
    }

    pub fn detail_cols(&self) -> usize {
        usize::from(self.detail.width.saturating_sub(2))
    }
}

/// Split the screen. `zoom_detail`: the detail pane takes the whole body.
pub fn areas(width: u16, height: u16, zoom_detail: bool) -> Areas {
    let full = Rect::new(0, 0, width, height);
    if height < 4 {
        return Areas {
            header: Rect::new(0, 0, width, 0),
            list: full,
            detail: Rect::new(0, height, width, 0),
            status: Rect::new(0, height, width, 0),
        };
    }
    let header = Rect::new(0, 0, width, 1);
    let status = Rect::new(0, height - 1, width, 1);
    let body_h = height - 2;
    if zoom_detail {
        return Areas {
            header,
            list: Rect::new(0, 1, width, 0),
            detail: Rect::new(0, 1, width, body_h),
            status,
        };
    }
    if body_h < 12 {
        return Areas {
            header,
            list: Rect::new(0, 1, width, body_h),
            detail: Rect::new(0, 1 + body_h, width, 0),
            status,
        };
    }
    let list_h = (body_h * 9 / 20).max(6);
    Areas {
        header,
        list: Rect::new(0, 1, width, list_h),
        detail: Rect::new(0, 1 + list_h, width, body_h - list_h),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_cover_the_screen_at_80x24() {
        let a = areas(80, 24, false);
        assert_eq!(
            a.header.height + a.list.height + a.detail.height + a.status.height,
            24
        );
        assert_eq!(a.list_rows(), 6);
        assert_eq!(a.detail_rows(), 11);
        let z = areas(80, 24, true);
        assert_eq!(z.list.height, 0);
        assert_eq!(z.detail.height, 22);
    }

    #[test]
    fn tiny_screens_do_not_underflow() {
        for h in 0..14 {
            let a = areas(20, h, false);
            assert!(a.list.y + a.list.height <= h.max(a.list.height));
        }
    }
}
