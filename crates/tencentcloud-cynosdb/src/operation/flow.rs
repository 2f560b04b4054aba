//! What a flow's status means beyond its wire value.

use super::FlowStatus;

impl FlowStatus {
    /// Whether the flow has finished, well or badly.
    pub fn is_finished(self) -> bool {
        matches!(self, FlowStatus::Succeeded | FlowStatus::Failed)
    }
}
