//! Spanish (the labels of spec/CONFERENCE.md where it gives them).

use web::{
    CallQuality, Failure, LineState, MediaError, MediaHealth, Notice, Outcome, PartyStatus,
    QualityLevel, Reason, RegFailure, RegStatus, SignInError, TargetError, Unsent, HELD_LIMIT,
};

use super::{Label, Loading, Words};

pub(super) struct Es;

impl Words for Es {
    fn label(&self, label: Label) -> &'static str {
        use Label as L;
        match label {
            L::Title => "Softphone",
            L::SignIn => "Iniciar sesión",
            L::SigningIn => "Iniciando sesión…",
            L::SignOut => "Cerrar sesión",
            L::SipAddress => "Dirección SIP",
            L::Password => "Contraseña",
            L::Server => "Servidor",
            L::WebSocketUrl => "URL WebSocket (uno o varios servidores)",
            L::IceServers => "Servidores STUN",
            L::NumberPlaceholder => "Número o dirección SIP",
            L::StartCall => "Iniciar llamada",
            L::SingleStep => "Iniciar conferencia de un solo paso",
            L::Answer => "Contestar",
            L::Decline => "Rechazar",
            L::Idle => "Libre",
            L::Merge => "Unir",
            L::EndConference => "Finalizar conferencia",
            L::Leave => "Dejar",
            L::Mute => "Silenciar",
            L::Hold => "Retener",
            L::Retrieve => "Recuperar",
            L::EndCall => "Finalizar llamada",
            L::Disconnect => "Desconectar",
            L::ContactInfo => "Información de contacto",
            L::OnHold => "en espera",
            L::HoldingYou => "te tiene en espera",
            L::Reconnecting => "reconectando",
            L::MergeQuestion => {
                "¿Unir en conferencia todas las llamadas retenidas con la persona consultada?"
            }
            L::Confirm => "Confirmar",
            L::Cancel => "Cancelar",
            L::Host => "Anfitrión",
            L::Language => "Idioma",
            L::AudioDevices => "Dispositivos de audio",
            L::Microphone => "Micrófono",
            L::Speaker => "Altavoz",
            L::Ringer => "Timbre",
            L::DefaultDevice => "Predeterminado",
            L::SameAsSpeaker => "Igual que el altavoz",
            L::SystemDefault => "Predeterminado del sistema",
            L::OutputsFixed => {
                "Este navegador reproduce las llamadas y el timbre en su salida predeterminada."
            }
            L::MicMissing => "El micrófono elegido no está: se usa el predeterminado",
            L::MicGone => "El micrófono elegido ya no está: se usa el predeterminado",
            L::SpeakerGone => "El altavoz elegido ya no está: se usa el predeterminado",
            L::RingerGone => "El timbre elegido ya no está: suena en el altavoz",
            L::MicUnavailable => "Ese micrófono no está disponible: se usa el predeterminado",
            L::MicChangeFailed => "No se pudo cambiar el micrófono",
            L::SpeakerChangeFailed => "No se pudo cambiar el altavoz",
            L::RingerChangeFailed => "No se pudo cambiar el timbre",
            L::Consult => "Consultar",
            L::Transfer => "Transferir",
            L::BlindTransfer => "Transferencia directa",
            L::AttendedTransfer => "Transferir a",
            L::TransferTo => "Número al que transferir",
            L::Keypad => "Teclado",
            L::Directory => "Directorio",
            L::Recents => "Recientes",
            L::Favorites => "Favoritos",
            L::NothingHere => "Nada por aquí todavía",
            L::Call => "Llamar",
            L::Star => "Añadir a favoritos",
            L::Unstar => "Quitar de favoritos",
            L::MoreCallOptions => "Más formas de llamar",
            L::IncomingCall => "Llamada entrante",
            L::Settings => "Configuración",
            L::VoiceHeading => "Su voz",
            L::VoiceProcessing => {
                "Cancelación de eco y ganancia automática del navegador (y su supresión de \
                 ruido mientras la nuestra está apagada)"
            }
            L::AppliesNextSignIn => "Se aplica al próximo inicio de sesión",
            L::NoiseSuppression => {
                "Supresión de ruido (en este equipo, antes de que la llamada le oiga)"
            }
            L::NoiseStrength => "Intensidad",
            L::HangUpQuestionText => "¿Finalizar la conferencia para todos o dejarla a los demás?",
            L::ResultAnswered => "Contestada",
            L::ResultMissed => "Perdida",
            L::ResultDeclined => "Rechazada",
            L::ResultBusy => "Ocupado",
            L::ResultNotFound => "Número inexistente",
            L::ResultNoAnswer => "Sin respuesta",
            L::ResultFailed => "Falló",
            L::IncomingShort => "entrante",
            L::OutgoingShort => "saliente",
            L::DigitsReceived => "Dígitos recibidos",
            L::Shortcuts => "Atajos de teclado",
            L::ShortcutsList => "Alt+A contestar · Alt+E finalizar · Alt+H retener o recuperar · Alt+M silenciar · los dígitos envían tonos durante una llamada · ? esta ayuda",
            L::Close => "Cerrar",
            L::Calls => "Llamadas",
            L::Conference => "Conferencia",
            L::Participants => "participantes",
            L::Speaking => "hablando",
            L::Remember => "Recordar la contraseña en este navegador",
            L::Account => "Cuenta",
            L::DisplayName => "Nombre para mostrar",
            L::AuthUser => "Usuario de autorización (si no es el de la dirección SIP)",
            L::TurnServers => "Servidores TURN",
            L::TurnUsername => "Usuario TURN",
            L::TurnCredential => "Credencial TURN",
            L::Ringtone => "Tono de llamada",
            L::RingtoneLong => "Largo (2 s sí, 4 s no)",
            L::RingtoneDouble => "Doble (ring-ring)",
            L::RingtoneShort => "Corto (1 s sí, 4 s no)",
            L::Preview => "Escuchar",
        }
    }

    fn registration(&self, status: &RegStatus) -> String {
        match status {
            RegStatus::SignedOut => "Sesión cerrada".into(),
            RegStatus::Registering => "Registrando…".into(),
            RegStatus::Registered => "Registrado".into(),
            RegStatus::Failed(why) => format!("Sin registro: {}", self.reg_failure(*why)),
            RegStatus::SigningOut => "Cerrando sesión…".into(),
        }
    }

    fn reg_failure(&self, failure: RegFailure) -> &'static str {
        match failure {
            RegFailure::WrongCredentials => "credenciales incorrectas",
            RegFailure::Rejected { .. } => "el servidor rechazó el registro",
            RegFailure::Timeout => "el servidor no responde",
            RegFailure::ConnectionLost => "se perdió la conexión con el servidor",
        }
    }

    fn line_state(&self, state: &LineState) -> String {
        match state {
            LineState::Dialing => "Marcando".into(),
            LineState::Ringing => "Sonando".into(),
            LineState::Incoming => "Llamada entrante".into(),
            LineState::Answering => "Conectando".into(),
            LineState::Connected => "Conectada".into(),
            LineState::Ended(outcome) => match outcome {
                Outcome::HungUp => "Finalizada".into(),
                Outcome::Declined => "Rechazada".into(),
                Outcome::Busy => "Ocupado".into(),
                Outcome::NotFound => "Número inexistente".into(),
                Outcome::NoAnswer => "Sin respuesta".into(),
                Outcome::Missed => "Perdida".into(),
                Outcome::Failed(why) => format!("Falló: {}", self.failure(why)),
            },
        }
    }

    fn failure(&self, failure: &Failure) -> String {
        match failure {
            Failure::Status(status) => format!("la llamada fue rechazada ({status})"),
            Failure::Media(e) => format!("falló el audio: {}", self.media_error(*e)),
            Failure::Unknown => "llamada finalizada".into(),
        }
    }

    fn media_error(&self, error: MediaError) -> &'static str {
        match error {
            MediaError::Microphone => "no se pudo abrir el micrófono",
            MediaError::RemoteDescription => "se rechazó la configuración de audio del otro lado",
            MediaError::LocalDescription => "el navegador no pudo ofrecer audio",
            MediaError::PeerConnection => "el navegador no pudo abrir una conexión de medios",
            MediaError::Ice => "falló la conexión de medios",
        }
    }

    fn notice(&self, notice: &Notice) -> String {
        use Notice as N;
        match notice {
            N::NotRegistered => "Sin registro".into(),
            N::BadTarget(e) => self.target_error(e),
            N::OwnNumber => "Ese es su propio número".into(),
            N::NoFreeLine => "No hay líneas libres: finalice una llamada primero".into(),
            N::NotDtmf { digit } => format!("{digit} no es un dígito DTMF"),
            N::NoCallForDtmf => "No hay llamada a la que enviar tonos".into(),
            N::SdpUnreadable { party } => {
                format!("No se puede actualizar {party}: nuestra descripción de sesión es ilegible")
            }
            N::StillUpdating { party } => {
                format!("{party} todavía se está actualizando; inténtelo de nuevo")
            }
            N::CannotUpdate { party } => {
                format!("No se puede actualizar {party} ahora; inténtelo de nuevo")
            }
            N::HoldFailed { party, status } => format!("No se pudo retener a {party} ({status})"),
            N::RetrieveFailed { party, status } => {
                format!("No se pudo recuperar a {party} ({status})")
            }
            N::MediaRestartFailed { party } => {
                format!("Falló el audio con {party} y no se pudo restablecer")
            }
            N::HostUnreachable => {
                "No se puede consultar al anfitrión ahora; inténtelo de nuevo".into()
            }
            N::AddFailed { party, status } => format!(
                "El anfitrión no pudo añadir a {party} ({status}); sus llamadas siguen como estaban"
            ),
            N::MergeNotPossible => {
                "Unir necesita una llamada de consulta conectada y una llamada retenida".into()
            }
            N::OnlyHostDisconnects => "Solo el anfitrión puede desconectar a un participante".into(),
            N::OnlyHostEnds => "Solo el anfitrión puede finalizar la conferencia".into(),
            N::LeaveNeedsThree { count } => format!(
                "El anfitrión solo puede dejar la conferencia con tres participantes (ahora {count})"
            ),
            N::LeaveNeedsConnected => {
                "Espere a que un participante esté conectado y luego deje la conferencia".into()
            }
            N::TransferNotStarted => "No se pudo iniciar la transferencia".into(),
            N::TransferNeedsConsultation => {
                "La transferencia necesita una llamada conectada a la que transferir".into()
            }
            N::TransferNotPossible => {
                "Solo se puede transferir una llamada conectada, de una en una".into()
            }
            N::Transferred => "Transferida".into(),
            N::TransferFailed { status } => format!(
                "Falló la transferencia ({status}); la llamada está retenida, recupérela para seguir"
            ),
            N::LeftConference => "Dejó la conferencia; los demás siguen hablando".into(),
            N::Bridging { status } => {
                let why = status.map(|s| format!(" ({s})")).unwrap_or_default();
                let end = self.label(Label::EndConference);
                format!("Falló la transferencia{why}; su teléfono mantiene conectados a los demás. Pulse «{end}» para colgar a ambos.")
            }
            N::RosterUnreadable => "No se pudieron leer los datos de la conferencia".into(),
            N::PoorQuality { party, mos_centi } => format!(
                "El audio con {party} es malo (MOS estimado {}): la red está perdiendo o retrasando paquetes",
                super::centi(u32::from(*mos_centi), ',')
            ),
            N::NotSent { party, what } => {
                let what = match what {
                    Unsent::HangUp => "el fin de la llamada",
                    Unsent::Hold => "la retención",
                    Unsent::Retrieve => "la recuperación de la llamada",
                    Unsent::Transfer => "la transferencia",
                    Unsent::Dtmf => "los tonos del teclado",
                    Unsent::Call => "la llamada",
                };
                let secs = HELD_LIMIT.as_secs();
                format!("No fue posible enviar {what} a {party}: la conexión estuvo caída más de {secs} segundos")
            }
        }
    }

    fn reason(&self, reason: Reason) -> String {
        use Reason as R;
        match reason {
            R::NotRegistered => "Sin registro".into(),
            R::LinesBusy => "Todas las líneas están ocupadas".into(),
            R::NotHoldable => "Solo se puede retener una llamada conectada que no esté retenida".into(),
            R::NotOnHold => "La llamada no está retenida".into(),
            R::NotConnected => "Solo durante una llamada conectada".into(),
            R::NotTransferable => {
                "Solo se puede transferir una llamada conectada fuera de una conferencia, de una en una".into()
            }
            R::MergeNeedsConsultation => {
                "Unir necesita una llamada de consulta conectada y una llamada retenida".into()
            }
            R::OnlyHostDisconnects => "Solo el anfitrión puede desconectar a un participante".into(),
            R::NotParticipant => "No es participante de una conferencia".into(),
            R::OnlyHostEnds => "Solo el anfitrión puede finalizar la conferencia".into(),
            R::NotInConference => "No está en una conferencia".into(),
            R::LeaveNeedsThree { count } => format!(
                "El anfitrión solo puede dejar la conferencia cuando tiene exactamente tres participantes; tiene {count}"
            ),
        }
    }

    fn party_status(&self, status: PartyStatus) -> &'static str {
        match status {
            PartyStatus::DialingOut => "marcando",
            PartyStatus::Alerting => "sonando",
            PartyStatus::Connected => "conectado",
            PartyStatus::OnHold => "en espera",
            PartyStatus::Disconnected => "salió",
            PartyStatus::Other => "uniéndose",
        }
    }

    fn media_health(&self, health: MediaHealth) -> &'static str {
        match health {
            MediaHealth::Connecting => "audio conectando",
            MediaHealth::Connected => "audio conectado",
            MediaHealth::Interrupted => "audio interrumpido",
            MediaHealth::Restarting => "audio reconectando",
            MediaHealth::Failed => "audio caído",
        }
    }

    fn quality_level(&self, level: QualityLevel) -> &'static str {
        match level {
            QualityLevel::Good => "buena",
            QualityLevel::Fair => "regular",
            QualityLevel::Poor => "mala",
        }
    }

    fn quality(&self, q: &CallQuality) -> String {
        let rtt = q
            .rtt_ms
            .map_or_else(|| "aún sin medir".to_owned(), |ms| format!("{ms} ms"));
        format!(
            "Calidad de la llamada {}: MOS estimado {}, pérdida de paquetes {} %, jitter {} ms, ida y vuelta {rtt}",
            self.quality_level(q.level),
            super::centi(u32::from(q.mos_centi), ','),
            super::centi(u32::from(q.loss_centi_percent), ','),
            q.jitter_ms,
        )
    }

    fn sign_in_error(&self, error: &SignInError) -> String {
        match error {
            SignInError::BadAddress => "La dirección SIP no es válida".into(),
            SignInError::NoUser => "La dirección SIP no tiene usuario".into(),
            SignInError::NoServer => "Indique la dirección del servidor".into(),
            SignInError::BadServer { url } => format!(
                "{url}: la dirección del servidor debe empezar por wss:// (o ws:// en esta máquina)"
            ),
            SignInError::InsecureServer { url } => format!(
                "ws:// enviaría la señalización de sus llamadas sin cifrar: use wss://{url}"
            ),
            SignInError::NoPassword => "Indique la contraseña".into(),
            SignInError::BadIceServer { url } => format!(
                "{url}: los servidores STUN empiezan por stun:, los TURN por turn: o turns:"
            ),
            SignInError::TurnNeedsCredentials => {
                "Los servidores TURN necesitan usuario y credencial TURN".into()
            }
            SignInError::MicrophoneBlockedByFrame => "Esta página integra el teléfono sin acceso \
                al micrófono, así que las llamadas no pueden funcionar. Pida a quien administra \
                esta página que añada allow=\"microphone\" al iframe del teléfono."
                .into(),
            SignInError::Audio(e) => format!("No se pudo iniciar el audio: {e}"),
            _ => "No se puede iniciar sesión".into(),
        }
    }

    fn target_error(&self, error: &TargetError) -> String {
        match error {
            TargetError::Empty => "Indique un número o dirección SIP".into(),
            TargetError::Invalid(s) => format!("No es un número ni una dirección SIP: {s}"),
        }
    }
}

pub(super) fn loading(what: Loading) -> &'static str {
    match what {
        Loading::Slow => "Todavía se está cargando el teléfono…",
        Loading::Failed => {
            "No se pudo cargar el teléfono. Compruebe la conexión y vuelva a cargar la página."
        }
        Loading::Reload => "Volver a cargar",
    }
}
