package slack

// Action IDs of the interactive elements voc puts in its messages. The digest
// puts them on its entries' buttons; the interaction handler routes on them.
// A button's value is the topic ID in decimal.
const (
	ActionAccept  = "voc_accept"  // accept the topic into the backlog
	ActionDecline = "voc_decline" // open the decline dialog for the topic
	ActionMerge   = "voc_merge"   // open the merge dialog for the topic
)

// Callback IDs of voc's modal views; the view's private_metadata is the topic
// ID in decimal.
const (
	CallbackDecline = "voc_decline_reason" // the decline dialog (a reason input)
	CallbackMerge   = "voc_merge_into"     // the merge dialog (the target topic ID)
)

// Block and input IDs inside the modals, to read view_submission state.
const (
	BlockReason = "reason"
	InputReason = "reason_input"
	BlockTarget = "target"
	InputTarget = "target_input"
)
