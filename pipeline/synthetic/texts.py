"""Free-text answers for the synthetic returns, written for this project (not from the seeds)."""

REASONS_UNUSED = [
    "Rekryteringen av personal tog längre tid än planerat, så samtalen kom i gång först "
    "under hösten.",
    "Personalen behövde prioritera andra uppdrag under året och satsningen fick skjutas fram.",
    "Beskedet om medlen kom sent och vi hann inte genomföra alla planerade insatser.",
    "Kostnaderna blev lägre än beräknat eftersom samtalen delvis hölls inom ordinarie verksamhet.",
    "Verksamheten hade vakanser och sparkrav som gjorde att arbetet pausades en period.",
]

OTHER_METHODS = [
    "Det goda samtalet",
    "Livshjulet",
    "NOHRA",
    "Egen samtalsguide byggd på etablerade metoder",
]

COMMENTS = [
    "Bidraget har gjort det möjligt att nå äldre som vi annars inte får kontakt med.",
    "Vi önskar att bidraget beslutas för flera år i taget så att vi kan planera långsiktigt.",
    "Samtalen har uppskattats och flera äldre har börjat delta i träffpunkternas aktiviteter.",
    "Beloppet räcker inte för att täcka kostnaderna för hembesöken.",
    'Några äldre tycker att ordet "hälsosamtal" låter som vården, så vi säger seniorsamtal.',
    "Det vore bra med en nationell vägledning för hur samtalen kan följas upp.",
    "Samverkan med vårdcentralerna har utvecklats under året.",
    "Vi har nått fler i år.\nNästa år vill vi prova gruppsamtal på träffpunkterna.",
]

STOCKHOLM_COMMENT = (
    "Äldreförvaltningen avsatte en del av bidraget till stadsövergripande insatser och "
    "fördelade resten till stadens elva stadsdelsförvaltningar."
)
