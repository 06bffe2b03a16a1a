package slackemu

import "time"

// SandboxLabsTeamID is the second sandbox workspace's team ID.
const SandboxLabsTeamID = "T0SBLABS"

// SandboxLabs is a small second workspace where the sandbox's person,
// Sam (SandboxYou), also works: served beside Sandbox behind one Hub, it
// lets a person connect two workspaces (the emulator's -workspaces 2).
// Its IDs differ from the sandbox's, as two real workspaces' do.
func SandboxLabs() *Workspace {
	now := time.Now()
	w := NewWorkspace(Team{ID: SandboxLabsTeamID, Name: "Sandbox Labs", Domain: "sandbox-labs"})
	w.AddUser(User{ID: SandboxYou, Name: "sam", RealName: "Sam Rivera", DisplayName: "Sam", TZ: "America/New_York",
		Email: "sam@labs.sandbox.example.com"})
	w.AddUser(User{ID: "U0LBKAI01", Name: "kai", RealName: "Kai Lindqvist", DisplayName: "Kai", TZ: "Europe/Stockholm",
		Email: "kai@labs.sandbox.example.com"})
	everyone := []string{SandboxYou, "U0LBKAI01"}
	w.AddChannel(Channel{ID: "C0LBGENRL", Name: "general", Topic: "Sandbox Labs: experiments, nothing real", Members: everyone,
		Created: now.AddDate(-1, 0, 0).Unix(), Creator: "U0LBKAI01"})
	w.AddChannel(Channel{ID: "C0LBPROTO", Name: "prototypes", Purpose: "What we are trying this week", Members: everyone,
		Created: now.AddDate(-1, 0, 0).Unix(), Creator: "U0LBKAI01"})
	w.AddMessage("C0LBGENRL", Message{User: "U0LBKAI01", Text: "Welcome to Sandbox Labs, Sam! The prototype review is on Friday."})
	w.AddMessage("C0LBPROTO", Message{User: SandboxYou, Text: "Trying a new search ranking prototype today."})
	return w
}
