//! Recognising redeliveries.

use std::collections::{HashSet, VecDeque};

use crate::event::{DeliveryKey, Event};

/// Remembers the last `capacity` deliveries and recognises a redelivery among them.
///
/// Zoom redelivers an event that was not acknowledged with a 2xx **within 3 seconds**
/// (5, 20 and 60 minutes later), and may deliver one twice anyway. So a receiver should:
///
/// 1. verify the delivery, then **acknowledge at once** (200), before doing any work;
/// 2. hand the event to the work, which skips what this deduplicator has seen.
///
/// Choose a capacity of at least the number of events you receive in about 90 minutes
/// (Zoom's last retry comes 85 minutes after the first try). The oldest keys are forgotten
/// first. It is a plain value: share it between tasks behind a `Mutex`.
///
/// ```
/// use zoom_webhook::{Deduplicator, Event};
///
/// let raw = serde_json::json!({
///     "event": "meeting.participant_joined", "event_ts": 1795687260000_u64,
///     "payload": {"object": {"id": 85746065432_u64}},
/// });
/// let event = Event::Other { name: "meeting.participant_joined".into(), raw };
///
/// let mut seen = Deduplicator::new(10_000);
/// assert!(!seen.is_duplicate(&event)); // first delivery: do the work
/// assert!(seen.is_duplicate(&event)); // a redelivery: skip it
/// ```
#[derive(Debug, Clone)]
pub struct Deduplicator {
    capacity: usize,
    seen: HashSet<DeliveryKey>,
    order: VecDeque<DeliveryKey>,
}

impl Deduplicator {
    /// Remembers up to `capacity` deliveries (at least one).
    ///
    /// ```
    /// use zoom_webhook::Deduplicator;
    ///
    /// assert_eq!(Deduplicator::new(0).capacity(), 1);
    /// ```
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            seen: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// How many deliveries it remembers at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many deliveries it remembers now.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Whether `event` was seen before; remembers it if not.
    pub fn is_duplicate(&mut self, event: &Event) -> bool {
        self.is_duplicate_key(event.delivery_key())
    }

    /// [`is_duplicate`](Self::is_duplicate) for a key you built yourself.
    ///
    /// ```
    /// use zoom_webhook::{Deduplicator, DeliveryKey};
    ///
    /// let key = |ts| DeliveryKey { event: "e".into(), event_ts: Some(ts), object_id: None };
    /// let mut seen = Deduplicator::new(1);
    /// assert!(!seen.is_duplicate_key(key(1)));
    /// assert!(!seen.is_duplicate_key(key(2))); // forgets key(1): capacity 1
    /// assert!(!seen.is_duplicate_key(key(1)));
    /// ```
    pub fn is_duplicate_key(&mut self, key: DeliveryKey) -> bool {
        if self.seen.contains(&key) {
            return true;
        }
        if self.order.len() >= self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(event: &str, ts: u64, id: &str) -> DeliveryKey {
        DeliveryKey {
            event: event.into(),
            event_ts: Some(ts),
            object_id: Some(id.into()),
        }
    }

    #[test]
    fn each_part_of_the_key_matters() {
        let mut seen = Deduplicator::new(10);
        assert!(!seen.is_duplicate_key(key("a", 1, "m")));
        assert!(seen.is_duplicate_key(key("a", 1, "m")));
        assert!(!seen.is_duplicate_key(key("b", 1, "m")));
        assert!(!seen.is_duplicate_key(key("a", 2, "m")));
        assert!(!seen.is_duplicate_key(key("a", 1, "n")));
        assert_eq!(seen.len(), 4);
    }

    #[test]
    fn it_stays_bounded_and_forgets_the_oldest_first() {
        let mut seen = Deduplicator::new(3);
        for ts in 0..100 {
            assert!(!seen.is_duplicate_key(key("a", ts, "m")));
            assert!(seen.len() <= 3);
        }
        assert!(seen.is_duplicate_key(key("a", 99, "m")));
        assert!(seen.is_duplicate_key(key("a", 97, "m")));
        assert!(!seen.is_duplicate_key(key("a", 96, "m")));
        assert_eq!((seen.len(), seen.seen.len()), (3, 3));
    }
}
