package beaconsim

import (
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

func attData(slot phase0.Slot, source, target phase0.Epoch, head byte) (*phase0.AttestationData, phase0.Root) {
	d := &phase0.AttestationData{Slot: slot, BeaconBlockRoot: phase0.Root{head},
		Source: &phase0.Checkpoint{Epoch: source}, Target: &phase0.Checkpoint{Epoch: target}}
	root, _ := d.HashTreeRoot()
	return d, root
}

func TestSlashingDetectorAttestations(t *testing.T) {
	type vote struct {
		source, target phase0.Epoch
		head           byte
	}
	for _, tc := range []struct {
		name  string
		prior vote
		next  vote
		want  OffenceKind // "" for none
	}{
		{"identical vote is not an offence", vote{1, 2, 1}, vote{1, 2, 1}, ""},
		{"double vote: same target, other head", vote{1, 2, 1}, vote{1, 2, 2}, OffenceDoubleVote},
		{"double vote: same target, other source", vote{0, 2, 1}, vote{1, 2, 1}, OffenceDoubleVote},
		{"surrounding vote", vote{2, 3, 1}, vote{1, 4, 1}, OffenceSurroundVote},
		{"surrounded vote", vote{1, 4, 1}, vote{2, 3, 1}, OffenceSurroundVote},
		{"consecutive votes are fine", vote{1, 2, 1}, vote{2, 3, 1}, ""},
		{"shared source, later target is fine", vote{1, 2, 1}, vote{1, 3, 1}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewSlashingDetector()
			pd, pr := attData(phase0.Slot(tc.prior.target)*8, tc.prior.source, tc.prior.target, tc.prior.head)
			if got := d.CheckAttestation(5, pd, pr); len(got) != 0 {
				t.Fatalf("first vote reported %v", got)
			}
			nd, nr := attData(phase0.Slot(tc.next.target)*8, tc.next.source, tc.next.target, tc.next.head)
			got := d.CheckAttestation(5, nd, nr)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("reported %v, want nothing", got)
				}
				return
			}
			if len(got) != 1 || got[0].Kind != tc.want || got[0].Validator != 5 {
				t.Fatalf("reported %v, want one %s by validator 5", got, tc.want)
			}
			if other := d.CheckAttestation(6, nd, nr); len(other) != 0 {
				t.Fatalf("another validator's identical vote reported %v", other)
			}
		})
	}
}

func TestSlashingDetectorProposals(t *testing.T) {
	d := NewSlashingDetector()
	if o := d.CheckProposal(3, 10, phase0.Root{1}); o != nil {
		t.Fatalf("first proposal: %v", o)
	}
	if o := d.CheckProposal(3, 10, phase0.Root{1}); o != nil {
		t.Fatalf("re-submitted block: %v", o)
	}
	if o := d.CheckProposal(3, 11, phase0.Root{2}); o != nil {
		t.Fatalf("next slot: %v", o)
	}
	if o := d.CheckProposal(4, 10, phase0.Root{2}); o != nil {
		t.Fatalf("other validator: %v", o)
	}
	o := d.CheckProposal(3, 10, phase0.Root{3})
	if o == nil || o.Kind != OffenceDoubleProposal || o.Validator != 3 {
		t.Fatalf("double proposal: got %v", o)
	}
}
